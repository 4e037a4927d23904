import type pg from "pg";
import type { Checkpoint } from "../eventstore/index.ts";

type Queryable = Pick<pg.ClientBase, "query">;

/** Where the relay stands: everything up to here was acknowledged by Kafka. */
export async function readCheckpoint(db: Queryable): Promise<Checkpoint> {
	const { rows } = await db.query<{ transaction_id: string; position: string }>(
		"SELECT transaction_id::text AS transaction_id, position FROM relay_checkpoint",
	);
	const row = rows[0];
	if (!row) throw new Error("relay_checkpoint has no row; is migration platform/002 applied?");
	return { transactionId: row.transaction_id, position: Number(row.position) };
}

/** Moves the checkpoint forward to `to`; never back, so a stale writer cannot undo progress. */
export async function saveCheckpoint(db: Queryable, to: Checkpoint): Promise<void> {
	await db.query(
		`UPDATE relay_checkpoint SET transaction_id = $1::xid8, position = $2, updated_at = now()
     WHERE (transaction_id, position) < ($1::xid8, $2::bigint)`,
		[to.transactionId, to.position],
	);
}

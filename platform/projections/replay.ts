import type pg from "pg";
import type { QueryCache } from "../cache/index.ts";
import type { EventCatalog } from "../contracts/index.ts";
import type { EventStore } from "../eventstore/index.ts";
import { handle, liveTarget, projectionDb } from "./apply.ts";
import { applyInvalidating } from "./cache-invalidation.ts";
import type { Projection } from "./projection.ts";
import { lockForApply } from "./rebuild-lock.ts";

export type ReplayReport = { replayed: number; stillFailing: { eventId: string; error: string }[] };

type DeadLetterRow = { event_id: string; position: string };

/**
 * Applies a projection's parked events again, each from the event store, in position order.
 * A replayed event goes through its handler whatever the inbox says (later events of its
 * stream were applied meanwhile) and leaves the dead letters in the same transaction; what it
 * changes is invalidated in the query cache like a live batch's.
 */
export async function replayDeadLetters(
	projection: Projection,
	pool: pg.Pool,
	store: EventStore,
	catalog: EventCatalog,
	cache: QueryCache,
): Promise<ReplayReport> {
	const { rows } = await pool.query<DeadLetterRow>(
		"SELECT event_id, position FROM projection_dead_letters WHERE projection = $1 ORDER BY position",
		[projection.name],
	);
	const report: ReplayReport = { replayed: 0, stillFailing: [] };
	for (const row of rows) {
		try {
			await applyInvalidating(pool, cache, projection, async (client) => {
				await lockForApply(client, projection.name);
				const stored = await store.eventAt(Number(row.position), client);
				if (!stored) throw new Error(`event ${row.event_id} is no longer in the store`);
				const handler = projection.handlers[stored.type];
				const event = { ...stored, data: catalog.decode(stored.type, stored.schemaVersion, stored.data).data };
				if (handler) await handle(handler, [event], projectionDb(client, liveTarget(projection)));
				await client.query("DELETE FROM projection_dead_letters WHERE projection = $1 AND event_id = $2", [projection.name, row.event_id]);
				return handler ? [event] : [];
			});
			report.replayed++;
		} catch (err) {
			const error = (err as Error).message;
			report.stillFailing.push({ eventId: row.event_id, error });
			await pool.query("UPDATE projection_dead_letters SET error = $3, attempts = attempts + 1 WHERE projection = $1 AND event_id = $2", [
				projection.name,
				row.event_id,
				error,
			]);
		}
	}
	return report;
}

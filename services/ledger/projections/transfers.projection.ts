import { defineProjection, type ProjectedEvent, type ProjectionDb } from "../../../platform/projections/index.ts";

type Terms = { transferId: string; fromAccountId: string; toAccountId: string; amount: number; currency: string };

function setStatus(status: string) {
	return async (event: ProjectedEvent, db: ProjectionDb) => {
		const { transferId, reason, compensated } = event.data as { transferId: string; reason?: string; compensated?: boolean };
		await db.query(
			`UPDATE ${db.table("transfers")} SET status = $2, reason = COALESCE($3, reason), compensated = COALESCE($4, compensated), updated_at = $5
			 WHERE transfer_id = $1`,
			[transferId, status, reason ?? null, compensated ?? null, event.recordedAt],
		);
	};
}

/** A transfer in the query cache. */
export const transferCacheKey = (transferId: string) => `transfer:${transferId}`;

/** Every transfer and where it stands. */
export const transfersProjection = defineProjection({
	name: "ledger-transfers",
	topics: ["ledger.events"],
	tables: { transfers: "ledger_transfers" },
	cacheKeys: (event) => [transferCacheKey((event.data as { transferId: string }).transferId)],
	handlers: {
		"ledger.TransferRequested": async (event, db) => {
			const t = event.data as Terms;
			await db.query(
				`INSERT INTO ${db.table("transfers")} (transfer_id, from_account_id, to_account_id, amount, currency, status, requested_at, updated_at)
				 VALUES ($1, $2, $3, $4, $5, 'requested', $6, $6)`,
				[t.transferId, t.fromAccountId, t.toAccountId, t.amount, t.currency, event.recordedAt],
			);
		},
		"ledger.TransferDebited": setStatus("debited"),
		"ledger.TransferCredited": setStatus("credited"),
		"ledger.TransferCompleted": setStatus("completed"),
		"ledger.TransferFailed": setStatus("failed"),
	},
});

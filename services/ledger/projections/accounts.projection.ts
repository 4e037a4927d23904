import { defineProjection, type ProjectedEvent, type ProjectionDb } from "../../../platform/projections/index.ts";

type Movement = { accountId: string; amount: number; currency: string; transferId?: string; refund?: boolean };

function kindOf(event: ProjectedEvent, movement: Movement): string {
	if (event.type === "ledger.MoneyWithdrawn") return movement.transferId ? "transfer_out" : "withdrawal";
	if (movement.refund) return "refund";
	return movement.transferId ? "transfer_in" : "deposit";
}

/** Moves the balance by `delta` and records the line in the account's transactions. */
async function book(event: ProjectedEvent, db: ProjectionDb, delta: 1 | -1): Promise<void> {
	const movement = event.data as Movement;
	const { rows } = await db.query<{ balance: string }>(
		`UPDATE ${db.table("balances")} SET balance = balance + $2, version = $3, updated_at = $4 WHERE account_id = $1 RETURNING balance`,
		[movement.accountId, delta * movement.amount, event.version, event.recordedAt],
	);
	await db.query(
		`INSERT INTO ${db.table("transactions")} (account_id, position, kind, amount, currency, transfer_id, balance_after, recorded_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		[
			movement.accountId,
			event.position,
			kindOf(event, movement),
			movement.amount,
			movement.currency,
			movement.transferId ?? null,
			rows[0]?.balance,
			event.recordedAt,
		],
	);
}

/** Balances and transaction lines of every account. */
export const accountsProjection = defineProjection({
	name: "ledger-accounts",
	topics: ["ledger.events"],
	tables: { balances: "ledger_account_balances", transactions: "ledger_account_transactions" },
	handlers: {
		"ledger.AccountOpened": async (event, db) => {
			const { accountId, owner, currency } = event.data as { accountId: string; owner: string; currency: string };
			await db.query(
				`INSERT INTO ${db.table("balances")} (account_id, owner, currency, balance, status, version, updated_at) VALUES ($1, $2, $3, 0, 'open', $4, $5)`,
				[accountId, owner, currency, event.version, event.recordedAt],
			);
		},
		"ledger.MoneyDeposited": (event, db) => book(event, db, 1),
		"ledger.MoneyWithdrawn": (event, db) => book(event, db, -1),
		"ledger.AccountClosed": async (event, db) => {
			await db.query(`UPDATE ${db.table("balances")} SET status = 'closed', version = $2, updated_at = $3 WHERE account_id = $1`, [
				(event.data as { accountId: string }).accountId,
				event.version,
				event.recordedAt,
			]);
		},
	},
});

import { batchHandler, defineProjection, type ProjectedEvent } from "../../../platform/projections/index.ts";

type Movement = { accountId: string; amount: number; currency: string; transferId?: string; refund?: boolean };

function kindOf(event: ProjectedEvent, movement: Movement): string {
	if (event.type === "ledger.MoneyWithdrawn") return movement.transferId ? "transfer_out" : "withdrawal";
	if (movement.refund) return "refund";
	return movement.transferId ? "transfer_in" : "deposit";
}

/**
 * Books a run of deposits and withdrawals with one statement: each account's balance moves by
 * the run's sum, and each line's balance_after is the opening balance plus the running sum in
 * event order. A line whose account has no balance row fails the statement (balance_after is
 * NOT NULL) rather than vanish.
 */
const bookMoves = batchHandler(async (events, db) => {
	const moves = events.map((event) => {
		const movement = event.data as Movement;
		const sign = event.type === "ledger.MoneyWithdrawn" ? -1 : 1;
		return { event, movement, delta: sign * movement.amount };
	});
	await db.query(
		`WITH moves AS (
		   SELECT * FROM unnest($1::text[], $2::bigint[], $3::int[], $4::bigint[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::timestamptz[])
		     WITH ORDINALITY AS m(account_id, delta, version, position, kind, amount, currency, transfer_id, recorded_at, ord)
		 ), totals AS (
		   SELECT account_id, sum(delta) AS delta, max(version) AS version, max(recorded_at) AS recorded_at FROM moves GROUP BY account_id
		 ), updated AS (
		   UPDATE ${db.table("balances")} b SET balance = b.balance + t.delta, version = t.version, updated_at = t.recorded_at
		   FROM totals t WHERE b.account_id = t.account_id
		   RETURNING b.account_id, b.balance - t.delta AS opening
		 )
		 INSERT INTO ${db.table("transactions")} (account_id, position, kind, amount, currency, transfer_id, balance_after, recorded_at)
		 SELECT m.account_id, m.position, m.kind, m.amount, m.currency, m.transfer_id,
		   u.opening + sum(m.delta) OVER (PARTITION BY m.account_id ORDER BY m.ord), m.recorded_at
		 FROM moves m LEFT JOIN updated u ON u.account_id = m.account_id`,
		[
			moves.map((m) => m.movement.accountId),
			moves.map((m) => m.delta),
			moves.map((m) => m.event.version),
			moves.map((m) => m.event.position),
			moves.map((m) => kindOf(m.event, m.movement)),
			moves.map((m) => m.movement.amount),
			moves.map((m) => m.movement.currency),
			moves.map((m) => m.movement.transferId ?? null),
			moves.map((m) => m.event.recordedAt),
		],
	);
});

/** An account in the query cache: its balance and its transaction lines are cached under it. */
export const accountCacheKey = (accountId: string) => `account:${accountId}`;

/** Balances and transaction lines of every account. */
export const accountsProjection = defineProjection({
	name: "ledger-accounts",
	topics: ["ledger.events"],
	tables: { balances: "ledger_account_balances", transactions: "ledger_account_transactions" },
	cacheKeys: (event) => [accountCacheKey((event.data as { accountId: string }).accountId)],
	handlers: {
		"ledger.AccountOpened": async (event, db) => {
			const { accountId, owner, currency } = event.data as { accountId: string; owner: string; currency: string };
			await db.query(
				`INSERT INTO ${db.table("balances")} (account_id, owner, currency, balance, status, version, updated_at) VALUES ($1, $2, $3, 0, 'open', $4, $5)`,
				[accountId, owner, currency, event.version, event.recordedAt],
			);
		},
		"ledger.MoneyDeposited": bookMoves,
		"ledger.MoneyWithdrawn": bookMoves,
		"ledger.AccountClosed": async (event, db) => {
			await db.query(`UPDATE ${db.table("balances")} SET status = 'closed', version = $2, updated_at = $3 WHERE account_id = $1`, [
				(event.data as { accountId: string }).accountId,
				event.version,
				event.recordedAt,
			]);
		},
	},
});

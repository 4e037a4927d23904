import type pg from "pg";
import { z } from "zod";
import { id } from "../../events/ledger/primitives.ts";
import { NotFoundError } from "../../platform/errors/index.ts";

/**
 * Every query may name the position a command replied with, to read its own write. Numbers
 * are coerced: over REST they arrive in the query string.
 */
const position = z.coerce.number().int().positive().optional();

export const accountQuery = z.strictObject({ accountId: id, position });
export const transactionsQuery = z.strictObject({
	accountId: id,
	limit: z.coerce.number().int().min(1).max(500).default(50),
	/** Only lines before this position: the previous page ends with the last line's position. */
	before: z.coerce.number().int().positive().optional(),
	position,
});
export const transferQuery = z.strictObject({ transferId: id, position });

export async function getAccount(pool: pg.Pool, q: z.output<typeof accountQuery>) {
	const { rows } = await pool.query(
		`SELECT account_id AS "accountId", owner, currency, balance::float8 AS balance, status, version, updated_at AS "updatedAt"
		 FROM ledger_account_balances WHERE account_id = $1`,
		[q.accountId],
	);
	if (!rows[0]) throw new NotFoundError(`Account ${q.accountId} does not exist`, { accountId: q.accountId });
	return rows[0];
}

/**
 * A page of an account's lines, newest first, off the primary key (account_id, position).
 * The ORDER BY names the table's column: a bare `position` would be the float8 alias, which
 * no index serves, so every page would sort the account's whole history.
 */
export const TRANSACTIONS_PAGE_SQL = `SELECT t.position::float8 AS position, t.kind, t.amount::float8 AS amount, t.currency,
   t.transfer_id AS "transferId", t.balance_after::float8 AS "balanceAfter", t.recorded_at AS "recordedAt"
 FROM ledger_account_transactions t WHERE t.account_id = $1 AND ($2::bigint IS NULL OR t.position < $2)
 ORDER BY t.position DESC LIMIT $3`;

export async function listTransactions(pool: pg.Pool, q: z.output<typeof transactionsQuery>) {
	const { rows } = await pool.query(TRANSACTIONS_PAGE_SQL, [q.accountId, q.before ?? null, q.limit]);
	return rows;
}

export async function getTransfer(pool: pg.Pool, q: z.output<typeof transferQuery>) {
	const { rows } = await pool.query(
		`SELECT transfer_id AS "transferId", from_account_id AS "fromAccountId", to_account_id AS "toAccountId", amount::float8 AS amount,
		   currency, status, reason, compensated, requested_at AS "requestedAt", updated_at AS "updatedAt"
		 FROM ledger_transfers WHERE transfer_id = $1`,
		[q.transferId],
	);
	if (!rows[0]) throw new NotFoundError(`Transfer ${q.transferId} does not exist`, { transferId: q.transferId });
	return rows[0];
}

import type pg from "pg";
import { accountsProjection } from "../../services/ledger/projections/accounts.projection.ts";
import { transfersProjection } from "../../services/ledger/projections/transfers.projection.ts";
import { eventually } from "./eventually.ts";

export type LedgerAudit = {
	/** Sum of the projected balances. */
	projectedTotal: number;
	/** Money that came in from outside (deposits that are neither transfer credits nor refunds), from the store. */
	deposited: number;
	/** Accounts whose projected balance, version or transaction lines differ from the fold of their stream. */
	mismatches: string[];
};

/** Waits until each ledger projection has applied every stored event of the types it handles. */
export async function ledgerCaughtUp(client: pg.Client, timeoutMs = 120_000): Promise<void> {
	for (const projection of [accountsProjection, transfersProjection]) {
		await eventually(
			`the ${projection.name} projection to catch up with the store`,
			async () => {
				const { rows } = await client.query<{ behind: number }>(
					`SELECT count(*)::int AS behind
					 FROM (SELECT stream_id, max(stream_version) AS v FROM events WHERE type = ANY($2) GROUP BY stream_id) s
					 LEFT JOIN projection_inbox i ON i.projection = $1 AND i.stream_id = s.stream_id
					 WHERE coalesce(i.version, 0) < s.v`,
					[projection.name, Object.keys(projection.handlers)],
				);
				return rows[0]?.behind === 0 ? true : undefined;
			},
			timeoutMs,
		);
	}
}

/**
 * For a mismatch's message: the account's money events that have no transaction line, with
 * their version, transaction id and neighbours' order, and what the projection parked.
 */
async function missingLines(client: pg.Client, accountId: string): Promise<string> {
	const missing = await client.query(
		`SELECT e.global_position AS position, e.stream_version AS version, e.type, e.transaction_id::text AS xid, e.recorded_at
		 FROM events e WHERE e.stream_id = $1 AND e.type IN ('ledger.MoneyDeposited', 'ledger.MoneyWithdrawn')
		   AND NOT EXISTS (SELECT 1 FROM ledger_account_transactions t WHERE t.account_id = $2 AND t.position = e.global_position)`,
		[`ledger-account-${accountId}`, accountId],
	);
	const parked = await client.query("SELECT projection, event_id, error, attempts FROM projection_dead_letters");
	return `; events without a line ${JSON.stringify(missing.rows)}; parked ${JSON.stringify(parked.rows)}`;
}

/**
 * Checks the accounts read model against the event store: every balance and version equals
 * the fold of its stream, every money event has exactly one transaction line, and the
 * balances add up to what was deposited from outside.
 */
export async function auditLedger(client: pg.Client): Promise<LedgerAudit> {
	const folded = await client.query<{ account_id: string; balance: string; version: number; moves: number }>(
		`SELECT data->>'accountId' AS account_id,
		   sum(CASE type WHEN 'ledger.MoneyDeposited' THEN (data->>'amount')::bigint WHEN 'ledger.MoneyWithdrawn' THEN -(data->>'amount')::bigint ELSE 0 END) AS balance,
		   max(stream_version) AS version,
		   count(*) FILTER (WHERE type IN ('ledger.MoneyDeposited', 'ledger.MoneyWithdrawn'))::int AS moves
		 FROM events WHERE stream_id LIKE 'ledger-account-%' GROUP BY 1`,
	);
	const projected = await client.query<{ account_id: string; balance: string; version: number; lines: number; lines_sum: string }>(
		`SELECT b.account_id, b.balance, b.version,
		   (SELECT count(*)::int FROM ledger_account_transactions t WHERE t.account_id = b.account_id) AS lines,
		   (SELECT coalesce(sum(CASE WHEN t.kind IN ('withdrawal', 'transfer_out') THEN -t.amount ELSE t.amount END), 0)
		      FROM ledger_account_transactions t WHERE t.account_id = b.account_id) AS lines_sum
		 FROM ledger_account_balances b`,
	);
	const byId = new Map(projected.rows.map((r) => [r.account_id, r]));
	const mismatches: string[] = [];
	for (const f of folded.rows) {
		const p = byId.get(f.account_id);
		const same = p && p.balance === f.balance && p.version === f.version && p.lines === f.moves && p.lines_sum === f.balance;
		if (!same)
			mismatches.push(
				`${f.account_id}: store ${JSON.stringify(f)} read model ${JSON.stringify(p)}${await missingLines(client, f.account_id)}`,
			);
	}
	if (folded.rows.length !== projected.rows.length)
		mismatches.push(`${folded.rows.length} account streams, ${projected.rows.length} balances`);
	const deposited = await client.query<{ total: string }>(
		`SELECT coalesce(sum((data->>'amount')::bigint), 0) AS total FROM events
		 WHERE type = 'ledger.MoneyDeposited' AND data->>'transferId' IS NULL`,
	);
	return {
		projectedTotal: projected.rows.reduce((sum, r) => sum + Number(r.balance), 0),
		deposited: Number(deposited.rows[0]?.total ?? 0),
		mismatches,
	};
}

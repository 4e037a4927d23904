import type pg from "pg";
import { type ChainProblem, type ChainTip, EMPTY_CHAIN, problemOf } from "./domain/chain.ts";
import { ENTRY_COLUMNS, type EntryRow, entryOf, TRAIL_TABLE } from "./trail-rows.ts";

export type VerifyReport =
	| { ok: true; checked: number; head: { seq: number; hash: string } }
	| { ok: false; checked: number; firstBrokenAt: number; problem: ChainProblem };

/**
 * Walks the trail from its first entry in batches of `batchSize` (keyset on seq), checking
 * that each entry follows the one before. Entries appended during the walk are checked too
 * when the walk reaches them; the prefix it has checked cannot change under it but by
 * tampering. Stops at the first broken entry: everything after it follows a broken link.
 */
export async function verifyTrail(pool: pg.Pool, batchSize: number): Promise<VerifyReport> {
	let tip: ChainTip = EMPTY_CHAIN;
	let checked = 0;
	for (;;) {
		const { rows } = await pool.query<EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM ${TRAIL_TABLE} WHERE seq > $1 ORDER BY seq LIMIT $2`, [
			tip.seq,
			batchSize,
		]);
		for (const row of rows) {
			const entry = entryOf(row);
			checked++;
			const problem = problemOf(tip, entry);
			// A gap means the entry after `tip` is missing: that is where the chain breaks.
			if (problem) return { ok: false, checked, firstBrokenAt: problem === "gap" ? tip.seq + 1 : entry.seq, problem };
			tip = entry;
		}
		if (rows.length < batchSize) return { ok: true, checked, head: { seq: tip.seq, hash: tip.hash.toString("hex") } };
	}
}

import { createHash } from "node:crypto";
import type { AuditFacts } from "./facts.ts";

/** An entry of the trail: the facts, its place, and the hashes that chain it to the one before. */
export type ChainedEntry = AuditFacts & { seq: number; prevHash: Buffer; hash: Buffer };

/** Where the chain ends: the last entry's place and hash. */
export type ChainTip = { seq: number; hash: Buffer };

/** Before the first entry: what the first entry's prev_hash is. */
export const EMPTY_CHAIN: ChainTip = { seq: 0, hash: Buffer.alloc(32) };

/** How an entry fails to follow the one before: a missing entry, a prev_hash that does not match, or changed fields. */
export type ChainProblem = "gap" | "link" | "hash";

/**
 * The fields in a fixed order as one JSON array: no key order or formatting to disagree on,
 * and the time as UTC ISO text, which survives a round trip through timestamptz at the
 * millisecond precision events carry.
 */
function canonical(seq: number, f: AuditFacts): string {
	return JSON.stringify([seq, f.eventId, f.position, f.actor, f.action, f.subject, f.outcome, f.traceId, f.recordedAt.toISOString()]);
}

/** sha256 of the previous entry's hash followed by this entry's canonical fields. */
export function hashOf(prevHash: Buffer, seq: number, facts: AuditFacts): Buffer {
	return createHash("sha256").update(prevHash).update(canonical(seq, facts)).digest();
}

/** The entries that append `facts`, in order, to the chain ending at `tip`. */
export function extend(tip: ChainTip, facts: readonly AuditFacts[]): ChainedEntry[] {
	const entries: ChainedEntry[] = [];
	let last = tip;
	for (const f of facts) {
		const seq = last.seq + 1;
		const entry = { ...f, seq, prevHash: last.hash, hash: hashOf(last.hash, seq, f) };
		entries.push(entry);
		last = entry;
	}
	return entries;
}

/** Whether `entry` correctly follows the chain ending at `previous`; the problem if not. */
export function problemOf(previous: ChainTip, entry: ChainedEntry): ChainProblem | undefined {
	if (entry.seq !== previous.seq + 1) return "gap";
	if (!entry.prevHash.equals(previous.hash)) return "link";
	if (!entry.hash.equals(hashOf(entry.prevHash, entry.seq, entry))) return "hash";
	return undefined;
}

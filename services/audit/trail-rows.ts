import type { ChainedEntry } from "./domain/chain.ts";
import type { Outcome } from "./domain/facts.ts";

/** The trail's table; the projection writes it, the queries and the verifier read it. */
export const TRAIL_TABLE = "audit_entries";

/** Every column of an entry, for the readers (bigints come back from pg as text). */
export const ENTRY_COLUMNS = "seq, event_id, position, actor, action, subject, outcome, trace_id, recorded_at, prev_hash, hash";

export type EntryRow = {
	seq: string;
	event_id: string;
	position: string;
	actor: string | null;
	action: string;
	subject: string;
	outcome: Outcome;
	trace_id: string | null;
	recorded_at: Date;
	prev_hash: Buffer;
	hash: Buffer;
};

export function entryOf(row: EntryRow): ChainedEntry {
	return {
		seq: Number(row.seq),
		eventId: row.event_id,
		position: Number(row.position),
		actor: row.actor,
		action: row.action,
		subject: row.subject,
		outcome: row.outcome,
		traceId: row.trace_id,
		recordedAt: row.recorded_at,
		prevHash: row.prev_hash,
		hash: row.hash,
	};
}

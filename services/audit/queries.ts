import type pg from "pg";
import { z } from "zod";
import { ENTRY_COLUMNS, type EntryRow, entryOf, TRAIL_TABLE } from "./trail-rows.ts";

const text = z.string().min(1).max(200);
const instant = z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time, e.g. 2026-01-31T12:00:00Z" });

/** Filters of audit.list; numbers and times arrive as text over REST. */
export const listQuery = z.strictObject({
	actor: text.optional(),
	action: z
		.string()
		.regex(/^[a-z][a-z0-9-]*\.[A-Z][A-Za-z0-9]*$/, "must be an event type, e.g. ledger.MoneyDeposited")
		.optional(),
	subject: text.optional(),
	traceId: text.optional(),
	/** Entries recorded at or after this time. */
	from: instant.optional(),
	/** Entries recorded before this time. */
	to: instant.optional(),
	/** Only entries before this one: the previous page's `next`. */
	before: z.coerce.number().int().positive().optional(),
	limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** An entry as callers see it; the hashes in hex, so that one can be kept elsewhere and compared later. */
function entryView(row: EntryRow) {
	const { prevHash, hash, ...facts } = entryOf(row);
	return { ...facts, prevHash: prevHash.toString("hex"), hash: hash.toString("hex") };
}

/** One page of the trail, newest first, and the cursor of the next page (null on the last). */
export async function listEntries(pool: pg.Pool, q: z.output<typeof listQuery>) {
	const { rows } = await pool.query<EntryRow>(
		`SELECT ${ENTRY_COLUMNS} FROM ${TRAIL_TABLE}
		 WHERE ($1::text IS NULL OR actor = $1) AND ($2::text IS NULL OR action = $2) AND ($3::text IS NULL OR subject = $3)
		   AND ($4::text IS NULL OR trace_id = $4) AND ($5::timestamptz IS NULL OR recorded_at >= $5)
		   AND ($6::timestamptz IS NULL OR recorded_at < $6) AND ($7::bigint IS NULL OR seq < $7)
		 ORDER BY seq DESC LIMIT $8`,
		[q.actor ?? null, q.action ?? null, q.subject ?? null, q.traceId ?? null, q.from ?? null, q.to ?? null, q.before ?? null, q.limit + 1],
	);
	const page = rows.slice(0, q.limit).map(entryView);
	return { entries: page, next: rows.length > q.limit ? (page.at(-1)?.seq ?? null) : null };
}

import { contracts } from "../../../events/index.ts";
import { moduleOfType, topicOfModule } from "../../../platform/contracts/index.ts";
import { batchHandler, defineProjection, type ProjectionDb } from "../../../platform/projections/index.ts";
import { type ChainTip, EMPTY_CHAIN, extend } from "../domain/chain.ts";
import { factsOf } from "../domain/facts.ts";
import { TRAIL_TABLE } from "../trail-rows.ts";

/** Advisory lock key of the chain: one appender at a time, across partitions and nodes. */
const CHAIN_LOCK = "audit:chain";

async function tipOf(db: ProjectionDb): Promise<ChainTip> {
	const { rows } = await db.query<{ seq: string; hash: Buffer }>(`SELECT seq, hash FROM ${db.table("entries")} ORDER BY seq DESC LIMIT 1`);
	const last = rows[0];
	return last ? { seq: Number(last.seq), hash: last.hash } : EMPTY_CHAIN;
}

/**
 * Appends a run of events to the chain, in the transaction that also moves the projection's
 * inbox. The consumer's batches in hand share one transaction at a time, but a failed one is
 * retried per partition side by side, and rebuilds and dead-letter replays apply too; the
 * chain needs one order: the lock, held until the transaction commits, makes the next
 * appender read the tip this one wrote.
 */
const record = batchHandler(async (events, db) => {
	await db.query("SELECT pg_advisory_xact_lock(hashtext($1))", [CHAIN_LOCK]);
	const tip = await tipOf(db);
	// The inbox keeps a redelivered record out; replaying a dead letter passes the inbox by, so
	// an event already in the trail is left out here as well.
	const { rows: known } = await db.query<{ event_id: string }>(
		`SELECT event_id FROM ${db.table("entries")} WHERE event_id = ANY($1::uuid[])`,
		[events.map((e) => e.id)],
	);
	const recorded = new Set(known.map((r) => r.event_id));
	const entries = extend(tip, events.filter((e) => !recorded.has(e.id)).map(factsOf));
	if (entries.length === 0) return;
	await db.query(
		`INSERT INTO ${db.table("entries")} (seq, event_id, position, actor, action, subject, outcome, trace_id, recorded_at, prev_hash, hash)
		 SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
		   $9::timestamptz[], $10::bytea[], $11::bytea[])`,
		[
			entries.map((e) => e.seq),
			entries.map((e) => e.eventId),
			entries.map((e) => e.position),
			entries.map((e) => e.actor),
			entries.map((e) => e.action),
			entries.map((e) => e.subject),
			entries.map((e) => e.outcome),
			entries.map((e) => e.traceId),
			entries.map((e) => e.recordedAt.toISOString()),
			entries.map((e) => e.prevHash),
			entries.map((e) => e.hash),
		],
	);
});

/**
 * Every event type with a contract, each read from the topic the relay publishes it to
 * (its module's): the catalog is what a consumer can decode, so it is also what can be
 * audited, and a module that adds contracts is audited without a change here.
 */
const types = [...new Set(contracts.map((c) => c.type))];

/** The audit trail: one hash-chained entry per event of every module. */
export const auditTrailProjection = defineProjection({
	name: "audit-trail",
	topics: [...new Set(types.map((type) => topicOfModule(moduleOfType(type))))],
	tables: { entries: TRAIL_TABLE },
	handlers: Object.fromEntries(types.map((type) => [type, record])),
});

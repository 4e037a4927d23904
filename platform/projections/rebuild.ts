import type pg from "pg";
import type { Logger } from "pino";
import type { QueryCache } from "../cache/index.ts";
import type { EventCatalog } from "../contracts/index.ts";
import type { EventEnvelope } from "../eventbus/kafka-record.ts";
import { type Checkpoint, checkpointOf, type EventStore, type RecordedEvent, START } from "../eventstore/index.ts";
import { inTransaction } from "../postgres/index.ts";
import { sleep } from "../retry/index.ts";
import { type ApplyTarget, applyEvents } from "./apply.ts";
import type { Projection } from "./projection.ts";
import { lockForSwap } from "./rebuild-lock.ts";

export type RebuildOptions = {
	pool: pg.Pool;
	store: EventStore;
	catalog: EventCatalog;
	batchSize: number;
	logger: Logger;
	/** Its namespace is dropped once the swap has committed: the copies are written without invalidating. */
	cache: QueryCache;
};
export type RebuildReport = { projection: string; events: number; applied: number; ms: number };

const SHADOW_SUFFIX = "__rebuild";
const COVER_LIVE_TIMEOUT_MS = 30_000;
const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Rebuilds a projection from the event store (not from Kafka, whose retention may have
 * dropped old records) into fresh copies of its tables while the live ones keep serving.
 * When the copies have caught up, the last stretch and the swap of tables and inbox run under
 * the projection's exclusive lock, so the live consumer resumes exactly where the copy ends.
 * Then the projection's cached answers are dropped; until that is done, a query may still be
 * answered from the old tables (which, unless the rebuild fixed the projection's code, hold
 * the same rows).
 */
export async function rebuildProjection(projection: Projection, options: RebuildOptions): Promise<RebuildReport> {
	const started = performance.now();
	const target: ApplyTarget = {
		projection,
		inboxName: `${projection.name}${SHADOW_SUFFIX}`,
		tableNames: Object.fromEntries(Object.entries(projection.tables).map(([key, name]) => [key, `${name}${SHADOW_SUFFIX}`])),
	};
	await prepareShadow(options.pool, projection, target);
	const counts = { events: 0, applied: 0 };
	let checkpoint = START;
	for (;;) {
		const next = await catchUpBatch(options, target, checkpoint, counts, undefined);
		if (!next) break;
		checkpoint = next;
	}
	await inTransaction(options.pool, async (client) => {
		await lockForSwap(client, projection.name);
		// The store may look caught up while an append older than events the live projection
		// already applied is still committing; the copies must hold all the live ones have.
		const deadline = performance.now() + COVER_LIVE_TIMEOUT_MS;
		for (;;) {
			const next = await catchUpBatch(options, target, checkpoint, counts, client);
			if (next) {
				checkpoint = next;
				continue;
			}
			if (await coversLive(client, projection.name, target.inboxName)) break;
			if (performance.now() > deadline) throw new Error(`rebuild of ${projection.name} could not reach the live projection's position`);
			await sleep(10);
		}
		await swap(client, projection, target);
	});
	await options.cache.drop(projection.name);
	const report = { projection: projection.name, ...counts, ms: Math.round(performance.now() - started) };
	options.logger.info(report, "projection rebuilt");
	return report;
}

/** Whether the copies' inbox has every stream at least as far as the live inbox. */
async function coversLive(client: pg.PoolClient, live: string, shadow: string): Promise<boolean> {
	const { rows } = await client.query<{ behind: number }>(
		`SELECT count(*)::int AS behind FROM projection_inbox l
		 LEFT JOIN projection_inbox s ON s.projection = $2 AND s.stream_id = l.stream_id
		 WHERE l.projection = $1 AND coalesce(s.version, 0) < l.version`,
		[live, shadow],
	);
	return rows[0]?.behind === 0;
}

async function prepareShadow(pool: pg.Pool, projection: Projection, target: ApplyTarget): Promise<void> {
	await inTransaction(pool, async (client) => {
		for (const [key, live] of Object.entries(projection.tables)) {
			const shadow = target.tableNames[key] as string;
			await client.query(`DROP TABLE IF EXISTS ${quote(shadow)}`);
			await client.query(`CREATE TABLE ${quote(shadow)} (LIKE ${quote(live)} INCLUDING ALL)`);
		}
		await client.query("DELETE FROM projection_inbox WHERE projection = $1", [target.inboxName]);
		await client.query("DELETE FROM projection_progress WHERE projection = $1", [target.inboxName]);
	});
}

/** Applies the next batch of stored events to the copies; undefined once there is none. */
async function catchUpBatch(
	options: RebuildOptions,
	target: ApplyTarget,
	after: Checkpoint,
	counts: { events: number; applied: number },
	client: pg.PoolClient | undefined,
): Promise<Checkpoint | undefined> {
	const batch = await options.store.readAll(after, options.batchSize, client);
	const last = batch.at(-1);
	if (!last) return undefined;
	const events = batch.filter((e) => options.catalog.has(e.type)).map((e) => decoded(options.catalog, e));
	counts.events += batch.length;
	counts.applied += client
		? await applyEvents(client, target, events)
		: await inTransaction(options.pool, (c) => applyEvents(c, target, events));
	return checkpointOf(last);
}

function decoded(catalog: EventCatalog, event: RecordedEvent): EventEnvelope {
	const { transactionId: _, ...envelope } = event;
	return { ...envelope, data: catalog.decode(event.type, event.schemaVersion, event.data).data };
}

async function swap(client: pg.PoolClient, projection: Projection, target: ApplyTarget): Promise<void> {
	for (const [key, live] of Object.entries(projection.tables)) {
		const shadow = target.tableNames[key] as string;
		await client.query(`DROP TABLE ${quote(live)}`);
		await client.query(`ALTER TABLE ${quote(shadow)} RENAME TO ${quote(live)}`);
	}
	await client.query("DELETE FROM projection_inbox WHERE projection = $1", [projection.name]);
	await client.query("UPDATE projection_inbox SET projection = $1 WHERE projection = $2", [projection.name, target.inboxName]);
	await client.query(
		`INSERT INTO projection_progress (projection, last_position, applied)
		 SELECT $1, last_position, applied FROM projection_progress WHERE projection = $2
		 ON CONFLICT (projection) DO UPDATE SET last_position = EXCLUDED.last_position, applied = EXCLUDED.applied, updated_at = now()`,
		[projection.name, target.inboxName],
	);
	await client.query("DELETE FROM projection_progress WHERE projection = $1", [target.inboxName]);
	// The copies went through every stored event, the parked ones included.
	await client.query("DELETE FROM projection_dead_letters WHERE projection = $1", [projection.name]);
}

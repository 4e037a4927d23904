import type pg from "pg";
import type { ProjectedEvent, Projection, ProjectionBatchHandler, ProjectionDb, ProjectionHandler } from "./projection.ts";
import { applyLockCondition, projectionLockKey } from "./rebuild-lock.ts";

/**
 * Where a projection writes: its live tables and inbox, or a rebuild's fresh copies. Live
 * applies hold the projection's apply lock (see rebuild-lock.ts), taken with the inbox rows.
 */
export type ApplyTarget = { projection: Projection; inboxName: string; tableNames: Record<string, string>; live?: boolean };

export function liveTarget(projection: Projection): ApplyTarget {
	return { projection, inboxName: projection.name, tableNames: projection.tables, live: true };
}

const INBOX_LOCK = "SELECT stream_id, version FROM projection_inbox WHERE projection = $1 AND stream_id = ANY($2)";
const LOCK_INBOX = { name: "projections.inbox.lock", text: `${INBOX_LOCK} FOR UPDATE` };
const LOCK_LIVE_INBOX = { name: "projections.inbox.lock-live", text: `${INBOX_LOCK} AND ${applyLockCondition("$3")} FOR UPDATE` };

function quoteIdent(name: string): string {
	return `"${name.replaceAll('"', '""')}"`;
}

/** The handle a handler writes through, pointed at `target`'s tables. */
export function projectionDb(client: pg.PoolClient, target: ApplyTarget): ProjectionDb {
	return {
		query: client.query.bind(client) as pg.PoolClient["query"],
		table(key) {
			const name = target.tableNames[key];
			if (!name) throw new Error(`projection ${target.projection.name} has no table "${key}"`);
			return quoteIdent(name);
		},
	};
}

/** Whether any of the events has a handler in the projection (a cheap check before opening a transaction). */
export function handlesAny(projection: Projection, events: readonly ProjectedEvent[]): boolean {
	return events.some((event) => projection.handlers[event.type] !== undefined);
}

/** The events a projection has a handler for; the rest never touch its tables, inbox or progress. */
export function handledBy(projection: Projection, events: readonly ProjectedEvent[]): ProjectedEvent[] {
	return events.filter((event) => projection.handlers[event.type] !== undefined);
}

/** Hears which events a batch is about to apply, before its handlers run (see applyInvalidating). */
export type OnFresh = (fresh: readonly ProjectedEvent[]) => void;

/** Like applyNew, returning only how many events were applied. */
export async function applyEvents(client: pg.PoolClient, target: ApplyTarget, events: readonly ProjectedEvent[]): Promise<number> {
	return (await applyNew(client, target, events)).length;
}

/**
 * Applies events in the caller's transaction: each handled event whose stream version is
 * above the inbox's goes through its handler, then the inbox rows and progress move in the
 * same transaction (one statement). Returns the events applied (the rest were already in,
 * or are of types the projection does not handle): only those changed anything cached.
 */
export async function applyNew(
	client: pg.PoolClient,
	target: ApplyTarget,
	events: readonly ProjectedEvent[],
	onFresh?: OnFresh,
): Promise<ProjectedEvent[]> {
	const handled = handledBy(target.projection, events);
	if (handled.length === 0) return [];
	const streams = [...new Set(handled.map((e) => e.streamId))];
	const { rows } = await client.query<{ stream_id: string; version: number }>(
		target.live
			? { ...LOCK_LIVE_INBOX, values: [target.inboxName, streams, projectionLockKey(target.projection.name)] }
			: { ...LOCK_INBOX, values: [target.inboxName, streams] },
	);
	const seen = new Map(rows.map((r) => [r.stream_id, r.version]));
	const newest = new Map<string, ProjectedEvent>();
	const fresh: ProjectedEvent[] = [];
	let lastPosition = 0;
	for (const event of handled) {
		if (event.version <= (seen.get(event.streamId) ?? 0)) continue;
		fresh.push(event);
		seen.set(event.streamId, event.version);
		newest.set(event.streamId, event);
		lastPosition = Math.max(lastPosition, event.position);
	}
	if (fresh.length === 0) return [];
	onFresh?.(fresh);
	const db = projectionDb(client, target);
	for (const run of runsOf(target.projection, fresh)) await handle(run.handler, run.events, db);
	const inbox = [...newest.values()];
	await client.query({
		name: "projections.inbox.advance",
		text: `WITH inbox AS (
		   INSERT INTO projection_inbox (projection, stream_id, version, position)
		   SELECT $1, s, v, p FROM unnest($2::text[], $3::int[], $4::bigint[]) AS t(s, v, p)
		   ON CONFLICT (projection, stream_id) DO UPDATE SET version = GREATEST(projection_inbox.version, EXCLUDED.version),
		     position = GREATEST(projection_inbox.position, EXCLUDED.position)
		 )
		 INSERT INTO projection_progress (projection, last_position, applied) VALUES ($1, $5, $6)
		 ON CONFLICT (projection) DO UPDATE SET last_position = GREATEST(projection_progress.last_position, EXCLUDED.last_position),
		   applied = projection_progress.applied + EXCLUDED.applied, updated_at = now()`,
		values: [
			target.inboxName,
			inbox.map((e) => e.streamId),
			inbox.map((e) => e.version),
			inbox.map((e) => e.position),
			lastPosition,
			fresh.length,
		],
	});
	return fresh;
}

/** Hands events to a handler of either kind: a batch handler at once, a per-event one in turn. */
export async function handle(
	handler: ProjectionHandler | ProjectionBatchHandler,
	events: ProjectedEvent[],
	db: ProjectionDb,
): Promise<void> {
	if ("batch" in handler) await handler.batch(events, db);
	else for (const event of events) await handler(event, db);
}

type Run = { handler: ProjectionHandler | ProjectionBatchHandler; events: ProjectedEvent[] };

/** Consecutive events with the same handler, in order: a batch handler takes each run at once. */
function runsOf(projection: Projection, events: ProjectedEvent[]): Run[] {
	const runs: Run[] = [];
	for (const event of events) {
		const handler = projection.handlers[event.type] as Run["handler"];
		const last = runs.at(-1);
		if (last?.handler === handler) last.events.push(event);
		else runs.push({ handler, events: [event] });
	}
	return runs;
}

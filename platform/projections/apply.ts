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

/**
 * A batch's first statement: advances each stream's inbox row to the newest version among the
 * batch's events ($2-$4, one per stream, in one order for every apply so that two never wait
 * on each other's rows), and returns the version it held before. A row already at or above
 * stays as it is, locked and not returned: nothing of its stream is new. The upsert locks each
 * row before it reads it, so an apply of the same stream that committed meanwhile counts, and
 * one still running is waited for. The progress row adds the events ($5-$7) above their
 * stream's previous version. `lock` is the live apply's condition (rebuild-lock.ts).
 */
const advanceInbox = (lock?: string) => `WITH inbox AS (
   INSERT INTO projection_inbox AS i (projection, stream_id, version, position, prev_version)
   SELECT $1, s, v, p, 0 FROM unnest($2::text[], $3::int[], $4::bigint[]) AS t(s, v, p)${lock ? ` WHERE ${lock}` : ""}
   ON CONFLICT (projection, stream_id) DO UPDATE
     SET prev_version = i.version, version = EXCLUDED.version, position = GREATEST(i.position, EXCLUDED.position)
     WHERE i.version < EXCLUDED.version
   RETURNING stream_id, prev_version
 ), fresh AS (
   SELECT e.p FROM unnest($5::text[], $6::int[], $7::bigint[]) AS e(s, v, p)
   JOIN inbox ON inbox.stream_id = e.s WHERE e.v > inbox.prev_version
 ), progress AS (
   INSERT INTO projection_progress (projection, last_position, applied)
   SELECT $1, max(p), count(*) FROM fresh HAVING count(*) > 0
   ON CONFLICT (projection) DO UPDATE SET last_position = GREATEST(projection_progress.last_position, EXCLUDED.last_position),
     applied = projection_progress.applied + EXCLUDED.applied, updated_at = now()
 )
 SELECT stream_id, prev_version FROM inbox`;
const ADVANCE_INBOX = { name: "projections.inbox.advance", text: advanceInbox() };
const ADVANCE_LIVE_INBOX = { name: "projections.inbox.advance-live", text: advanceInbox(applyLockCondition("$8")) };

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
 * Applies events in the caller's transaction: one statement moves the inbox rows and progress
 * of the batch's streams and tells which events are new (above their stream's inbox version);
 * those go through their handlers, and a handler that fails rolls the inbox back with them.
 * Returns the events applied (the rest were already in, or are of types the projection does
 * not handle): only those changed anything cached.
 */
export async function applyNew(
	client: pg.PoolClient,
	target: ApplyTarget,
	events: readonly ProjectedEvent[],
	onFresh?: OnFresh,
): Promise<ProjectedEvent[]> {
	const candidates = risingPerStream(handledBy(target.projection, events));
	if (candidates.length === 0) return [];
	const newest = new Map(candidates.map((e) => [e.streamId, e]));
	const streams = [...newest.keys()].sort();
	const heads = streams.map((s) => newest.get(s) as ProjectedEvent);
	const values = [
		target.inboxName,
		streams,
		heads.map((e) => e.version),
		heads.map((e) => e.position),
		candidates.map((e) => e.streamId),
		candidates.map((e) => e.version),
		candidates.map((e) => e.position),
	];
	const { rows } = await client.query<{ stream_id: string; prev_version: number }>(
		target.live ? { ...ADVANCE_LIVE_INBOX, values: [...values, projectionLockKey(target.projection.name)] } : { ...ADVANCE_INBOX, values },
	);
	const previous = new Map(rows.map((r) => [r.stream_id, r.prev_version]));
	const fresh = candidates.filter((e) => {
		const before = previous.get(e.streamId);
		return before !== undefined && e.version > before;
	});
	if (fresh.length === 0) return [];
	onFresh?.(fresh);
	const db = projectionDb(client, target);
	for (const run of runsOf(target.projection, fresh)) await handle(run.handler, run.events, db);
	return fresh;
}

/**
 * Of each stream's events, those whose version is above every earlier one in the batch: a
 * record delivered twice, or a version behind one already seen, is left out.
 */
function risingPerStream(events: readonly ProjectedEvent[]): ProjectedEvent[] {
	const highest = new Map<string, number>();
	return events.filter((event) => {
		if (event.version <= (highest.get(event.streamId) ?? 0)) return false;
		highest.set(event.streamId, event.version);
		return true;
	});
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

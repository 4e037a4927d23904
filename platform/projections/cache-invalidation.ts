import type pg from "pg";
import type { QueryCache } from "../cache/index.ts";
import { inTransaction } from "../postgres/index.ts";
import type { ProjectedEvent, Projection } from "./projection.ts";

/** The cached entities `events` changed, each with the position of the last event that changed it. */
export function changedEntities(projection: Projection, events: readonly ProjectedEvent[]): Map<string, number> {
	const changes = new Map<string, number>();
	if (!projection.cacheKeys) return changes;
	for (const event of events) {
		for (const key of projection.cacheKeys(event)) changes.set(key, Math.max(changes.get(key) ?? 0, event.position));
	}
	return changes;
}

/**
 * Runs `apply` (which returns the events it applied) in a transaction and keeps the query
 * cache true to it: the entities it changes are marked changing before the commit, so no
 * answer read around the commit is stored, and get new generations after it, so no answer
 * stored before is served again. A read that follows the projection catching up is never
 * answered from before the change.
 */
export async function applyInvalidating(
	pool: pg.Pool,
	cache: QueryCache,
	projection: Projection,
	apply: (client: pg.PoolClient) => Promise<readonly ProjectedEvent[]>,
): Promise<void> {
	const changes = await inTransaction(pool, async (client) => {
		const changes = changedEntities(projection, await apply(client));
		await cache.markChanging(projection.name, changes.keys());
		return changes;
	});
	await cache.markChanged(projection.name, changes);
}

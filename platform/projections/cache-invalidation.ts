import type pg from "pg";
import type { QueryCache } from "../cache/index.ts";
import { inTransaction } from "../postgres/index.ts";
import type { OnFresh } from "./apply.ts";
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
 * answered from before the change. An `apply` that says early which events it will apply
 * (`onFresh`) has them marked while its handlers run instead of after. `committed` hears of
 * the applied events as soon as the commit is done: from then on every read sees them (a
 * cached answer about them is not served while they are marked changing). Returns the events applied.
 */
export async function applyInvalidating(
	pool: pg.Pool,
	cache: QueryCache,
	projection: Projection,
	apply: (client: pg.PoolClient, onFresh: OnFresh) => Promise<readonly ProjectedEvent[]>,
	committed?: (applied: readonly ProjectedEvent[]) => void,
): Promise<readonly ProjectedEvent[]> {
	const applied = await inTransaction(pool, async (client) => {
		let marking: Promise<void> | undefined;
		const applied = await apply(client, (fresh) => {
			marking = cache.markChanging(projection.name, changedEntities(projection, fresh).keys());
		});
		await (marking ?? cache.markChanging(projection.name, changedEntities(projection, applied).keys()));
		return applied;
	});
	committed?.(applied);
	await cache.markChanged(projection.name, changedEntities(projection, applied));
	return applied;
}

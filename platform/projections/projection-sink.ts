import type pg from "pg";
import type { QueryCache } from "../cache/index.ts";
import { GroupCommit } from "../concurrency/group-commit.ts";
import type { EventSink } from "../eventbus/consumer.ts";
import { inTransaction } from "../postgres/index.ts";
import type { AppliedSignal } from "./applied-signal.ts";
import { applyNew, handlesAny, liveTarget } from "./apply.ts";
import { applyInvalidating } from "./cache-invalidation.ts";
import type { Projection } from "./projection.ts";

type Events = Parameters<EventSink["applyBatch"]>[0];

/**
 * A projection as the destination of its consumer group: each batch in one transaction with
 * its inbox rows, invalidating the cached answers about what it changed. The group hands over
 * the batches of several partitions at once; those that come while a transaction is on its
 * way share the next one (their streams differ, so their order does not matter), which
 * saves a transaction and its round trips per partition under load. If a shared one fails,
 * each partition's events go again one by one (applyOne, alone).
 */
export function projectionSink(projection: Projection, pool: pg.Pool, cache: QueryCache, signal: AppliedSignal): EventSink {
	const target = liveTarget(projection);
	const apply = async (events: Events) => {
		// A batch with nothing for this projection costs no transaction.
		if (!handlesAny(projection, events)) return;
		// The projection's apply lock comes with its inbox rows (see rebuild-lock.ts).
		await applyInvalidating(
			pool,
			cache,
			projection,
			(client, onFresh) => applyNew(client, target, events, onFresh),
			(applied) => signal.applied(projection.name, applied),
		);
	};
	const batches = new GroupCommit<Events>(async (groups) => {
		await apply(groups.flat());
		return [];
	}, setImmediate);
	return {
		applyBatch: (events) => batches.add(events),
		applyOne: (event) => apply([event]),
		async parked(event, error, attempts) {
			await inTransaction(pool, async (client) => {
				if (event) {
					await client.query(
						`INSERT INTO projection_dead_letters (projection, event_id, stream_id, version, position, type, error, attempts)
						 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (projection, event_id) DO UPDATE SET error = EXCLUDED.error, attempts = EXCLUDED.attempts`,
						[projection.name, event.id, event.streamId, event.version, event.position, event.type, error.message, attempts],
					);
				}
				await client.query(
					`INSERT INTO projection_progress (projection, dead_lettered, last_error) VALUES ($1, 1, $2)
					 ON CONFLICT (projection) DO UPDATE SET dead_lettered = projection_progress.dead_lettered + 1, last_error = EXCLUDED.last_error, updated_at = now()`,
					[projection.name, error.message],
				);
			});
		},
	};
}

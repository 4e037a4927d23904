import type { Context, ServiceSchema } from "moleculer";
import { platformOf } from "../platform/bootstrap/index.ts";
import { NotFoundError } from "../platform/errors/index.ts";
import { ConsumerSet, createEventConsumer, kafkaNames } from "../platform/eventbus/index.ts";
import {
	deadLettersOf,
	groupOf,
	type Projection,
	projectionSink,
	projectionStatus,
	rebuildProjection,
	replayDeadLetters,
	waitForPosition,
} from "../platform/projections/index.ts";
import { PlatformMixin } from "./platform.mixin.ts";

type ByName = { name: string };

/**
 * A query of a projection's read model: its name (the `cache` label of the cache metrics), the
 * entity it is about as the projection's `cacheKeys` name it, what tells its answers apart
 * (parameters beyond the entity, such as a page), and the read-your-writes position if given.
 * The key must hold everything the answer depends on: a query answering per caller names them.
 */
export type ProjectionQuery = { query: string; entity: string; variant?: string; position?: number };

/** What ProjectionMixin adds to `this` inside a service. */
export type WithProjections = {
	/** Resolves once projection `name` has applied the event at `position`; 503 after the configured wait. */
	waitForProjection(name: string, position: number): Promise<void>;
	/** The answer of `load` about projection `name`'s tables, through the query cache (see ProjectionQuery). */
	readProjection<T>(name: string, query: ProjectionQuery, load: () => Promise<T>): Promise<T>;
};

/** Where a service instance keeps its consumer groups (one instance per broker). */
const CONSUMERS = Symbol("projectionConsumers");
type WithConsumers = { [CONSUMERS]?: ConsumerSet };

/**
 * Runs a service's projections (one consumer group each, started in the background so Kafka
 * never holds up readiness) while the service runs, and adds
 * the operator actions `projections` (status), `rebuildProjection`, `deadLetters` (the parked
 * events) and `replayDeadLetters`,
 * plus the methods `waitForProjection(name, position)` for read-your-writes queries and
 * `readProjection(name, query, load)` for queries answered through the query cache.
 */
export function ProjectionMixin(projections: Projection[]): Partial<ServiceSchema> {
	const byName = (name: string): Projection => {
		const projection = projections.find((p) => p.name === name);
		if (!projection) throw new NotFoundError(`No projection ${name}; this service has ${projections.map((p) => p.name).join(", ")}`);
		return projection;
	};
	const nameParam = { name: { type: "string", enum: projections.map((p) => p.name) } };

	return {
		mixins: [PlatformMixin],
		actions: {
			projections: {
				handler(this: { broker: Parameters<typeof platformOf>[0] }) {
					const { container, config } = platformOf(this.broker);
					const { pg } = container.awilix.cradle;
					const kafka = config.profile === "servers" ? container.resolve("kafka") : undefined;
					const namesOf = (p: Projection) => kafkaNames(config.events.topicPrefix, groupOf(p), p.topics);
					return Promise.all(projections.map((p) => projectionStatus(p, namesOf(p), pg, kafka)));
				},
			},
			rebuildProjection: {
				params: nameParam,
				// A rebuild reads the whole store; it outlives the default request timeout. Moleculer
				// honours an action's `timeout` but its ActionSchema typings lack the field.
				...{ timeout: 0 },
				handler(this: { broker: Parameters<typeof platformOf>[0] }, ctx: Context<ByName>) {
					const platform = platformOf(this.broker);
					const { pg, eventStore, eventCatalog, config, queryCache } = platform.container.awilix.cradle;
					return rebuildProjection(byName(ctx.params.name), {
						pool: pg,
						store: eventStore,
						catalog: eventCatalog,
						batchSize: config.events.relay.batchSize,
						logger: platform.logger.child({ mod: "rebuild" }),
						cache: queryCache,
					});
				},
			},
			deadLetters: {
				params: { ...nameParam, limit: { type: "number", integer: true, min: 1, max: 1_000, default: 100, convert: true } },
				handler(this: { broker: Parameters<typeof platformOf>[0] }, ctx: Context<ByName & { limit: number }>) {
					const { pg } = platformOf(this.broker).container.awilix.cradle;
					return deadLettersOf(byName(ctx.params.name), pg, ctx.params.limit);
				},
			},
			replayDeadLetters: {
				params: nameParam,
				handler(this: { broker: Parameters<typeof platformOf>[0] }, ctx: Context<ByName>) {
					const { pg, eventStore, eventCatalog, queryCache } = platformOf(this.broker).container.awilix.cradle;
					return replayDeadLetters(byName(ctx.params.name), pg, eventStore, eventCatalog, queryCache);
				},
			},
		},
		methods: {
			/** Resolves once projection `name` has applied the event at `position`; 503 after the configured wait. */
			waitForProjection(name: string, position: number): Promise<void> {
				const { pg, eventStore, appliedSignal, config } = platformOf(this.broker).container.awilix.cradle;
				return waitForPosition(pg, eventStore, appliedSignal, byName(name), position, config.events.projections.readYourWritesTimeoutMs);
			},
			async readProjection<T>(name: string, query: ProjectionQuery, load: () => Promise<T>): Promise<T> {
				const cache = platformOf(this.broker).container.resolve("queryCache");
				if (query.position === undefined) return cache.read({ ...query, namespace: byName(name).name }, load);
				// A read-your-writes query reads the tables once the projection has its position: a
				// cached answer cannot say which side of that position it was read on (the entity's
				// new generation is written only after the projection's commit), and such reads come
				// right after a command, when the cached answer is the one it made stale anyway.
				await this.waitForProjection(name, query.position);
				return cache.uncached(load);
			},
		},
		started() {
			const platform = platformOf(this.broker);
			const { pg, queryCache, appliedSignal } = platform.container.awilix.cradle;
			const consumers = new ConsumerSet(platform.logger.child({ mod: "projections" }));
			(this as WithConsumers)[CONSUMERS] = consumers;
			consumers.start(
				projections.map((p) => createEventConsumer(platform, groupOf(p), p.topics, projectionSink(p, pg, queryCache, appliedSignal))),
			);
		},
		async stopped() {
			await (this as WithConsumers)[CONSUMERS]?.stop();
		},
	};
}

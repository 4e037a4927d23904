import { resolve } from "node:path";
import { type AwilixContainer, asFunction, asValue, createContainer, InjectionMode, type Resolver } from "awilix";
import type { Redis } from "ioredis";
import type { Kafka, Producer } from "kafkajs";
import type pg from "pg";
import type { Logger } from "pino";
import { AggregateCache, CommandRunner } from "../aggregates/index.ts";
import { AccessTokens, loadSigningKey, RoleView } from "../auth/index.ts";
import { createCacher, createNearCache, type NodeCacher, QueryCache } from "../cache/index.ts";
import type { Config } from "../config/index.ts";
import { EventCatalog, type EventContract } from "../contracts/index.ts";
import { EmbeddedPostgres } from "../embedded/index.ts";
import { AppendListeners, AppendNotifier, EventStore } from "../eventstore/index.ts";
import { createJobMetrics, type JobMetrics, JobOutcomes, JobQueue } from "../jobs/index.ts";
import type { PlatformMetrics } from "../metrics/index.ts";
import { AppliedSignal } from "../projections/applied-signal.ts";
import { RateLimits } from "../ratelimit/index.ts";
import { settledWithin } from "../retry/index.ts";
import { type Clock, createKafka, createPgPool, createRedis, systemClock } from "./core-services.ts";

/** What the kernel registers; modules add their own providers next to these. */
export type CoreCradle = {
	config: Config;
	/** The project's folder, against which config's folders are resolved. */
	root: string;
	/** The node's root logger; each component binds its own `mod`, as pino repeats a key bound twice. */
	logger: Logger;
	clock: Clock;
	pg: pg.Pool;
	redis: Redis;
	/** The Redis every node shares; none in the embedded profile, whose one node keeps such state in memory. */
	sharedRedis: Redis | undefined;
	kafka: Kafka;
	eventCatalog: EventCatalog;
	eventStore: EventStore;
	/** Appends made in this process, for the embedded profile's event bus. */
	appendListeners: AppendListeners;
	appliedSignal: AppliedSignal;
	appendNotifier: AppendNotifier | undefined;
	commandRunner: CommandRunner;
	/** Sends consumers' dead letters; connected by the first consumer that starts. */
	deadLetterProducer: Producer;
	/** The node's metrics registry and the platform's own instruments. */
	metrics: PlatformMetrics;
	/** The durable job queue; started by the first service that declares jobs or enqueues. */
	jobQueue: JobQueue;
	jobOutcomes: JobOutcomes;
	jobMetrics: JobMetrics;
	/** Signs and verifies access tokens with the node's signing key. */
	accessTokens: AccessTokens;
	/** Users' granted roles, through Redis. */
	roleView: RoleView;
	/** The embedded profile's database (profile: embedded only). */
	embeddedPostgres: EmbeddedPostgres;
	/** The gateways' per-user and per-IP call counts, through Redis (in memory in the embedded profile). */
	rateLimits: RateLimits;
	/** Query answers through Moleculer's cacher, which the broker options hand to Moleculer. */
	queryCache: QueryCache<NodeCacher>;
};

/** A client whose server does not answer must not hold the whole shutdown. */
const DISPOSE_TIMEOUT_MS = 2_000;
/** Workers have stopped before the queue does (JobsMixin); this bounds its last maintenance pass. */
const JOB_QUEUE_STOP_MS = 1_500;

type Disposer = { name: string; dispose: () => Promise<void> | void };

/**
 * An awilix container whose singletons are created on first use and disposed in the reverse
 * order of their creation, so a pool outlives everything built on top of it.
 */
export class PlatformContainer {
	readonly awilix: AwilixContainer<CoreCradle & Record<string, unknown>>;
	readonly #created: Disposer[] = [];

	constructor(
		config: Config,
		logger: Logger,
		metrics: PlatformMetrics,
		contracts: readonly EventContract[] = [],
		root: string = process.cwd(),
	) {
		this.awilix = createContainer({ injectionMode: InjectionMode.PROXY, strict: true });
		this.awilix.register({
			config: asValue(config),
			root: asValue(root),
			logger: asValue(logger),
			metrics: asValue(metrics),
			clock: asValue(systemClock),
			eventCatalog: asValue(new EventCatalog(contracts)),
			appendListeners: asValue(new AppendListeners()),
			appliedSignal: asValue(new AppliedSignal()),
			sharedRedis: asFunction((c: CoreCradle) => (c.config.profile === "servers" ? c.redis : undefined)).singleton(),
			// The relay of the servers profile, in another process, hears of appends by NOTIFY.
			appendNotifier: asFunction((c: CoreCradle) => (c.config.profile === "servers" ? new AppendNotifier(c.pg) : undefined)).singleton(),
			eventStore: asFunction(
				(c: CoreCradle) =>
					new EventStore(
						c.pg,
						(event) => c.eventCatalog.validate(event.type, event.schemaVersion, event.data),
						() => {
							c.appendNotifier?.poke();
							c.appendListeners.notify();
						},
					),
			).singleton(),
			commandRunner: asFunction(
				(c: CoreCradle) =>
					new CommandRunner({
						store: c.eventStore,
						catalog: c.eventCatalog,
						cache: new AggregateCache(c.config.events.aggregates.cacheSize),
						conflictRetries: c.config.events.aggregates.conflictRetries,
					}),
			).singleton(),
			accessTokens: asFunction(
				(c: CoreCradle) => new AccessTokens(loadSigningKey(c.config.auth, c.logger.child({ mod: "auth" })), c.config.auth),
			).singleton(),
			jobOutcomes: asFunction((c: CoreCradle) => new JobOutcomes(c.eventStore, c.pg, c.jobQueue)).singleton(),
			jobMetrics: asFunction((c: CoreCradle) => createJobMetrics(c.metrics.registry, () => c.jobQueue.depths())).singleton(),
		});
		this.registerSingleton(
			"embeddedPostgres",
			(c: CoreCradle) => EmbeddedPostgres.open(resolve(c.root, c.config.embedded.dataDir)),
			(db) => db.close(),
		);
		this.registerSingleton(
			"pg",
			(c: CoreCradle) =>
				createPgPool(c.config, c.logger.child({ mod: "postgres" }), c.config.profile === "embedded" ? c.embeddedPostgres : undefined),
			(pool) => pool.end(),
		);
		this.registerSingleton(
			"rateLimits",
			(c: CoreCradle) => new RateLimits(c.config.rateLimits, c.sharedRedis, c.config.redis.keyPrefix, c.logger.child({ mod: "ratelimit" })),
			(limits) => limits.close(),
		);
		this.registerSingleton(
			"roleView",
			(c: CoreCradle) => new RoleView(c.sharedRedis, c.eventStore, c.config.redis.keyPrefix),
			(view) => view.close(),
		);
		this.registerSingleton(
			"redis",
			(c: CoreCradle) => createRedis(c.config, c.logger.child({ mod: "redis" })),
			(redis) => void redis.disconnect(),
		);
		this.registerSingleton(
			"deadLetterProducer",
			(c: CoreCradle) => c.kafka.producer({ allowAutoTopicCreation: false }),
			(producer) => producer.disconnect(),
		);
		this.registerSingleton(
			"jobQueue",
			(c: CoreCradle) => new JobQueue(c.config, c.logger.child({ mod: "jobs" }), c.config.profile === "embedded" ? c.pg : undefined),
			(queue) => queue.stop(JOB_QUEUE_STOP_MS),
		);
		this.registerSingleton(
			"queryCache",
			(c: CoreCradle) => {
				const cacher = createCacher(c.config);
				const logger = c.logger.child({ mod: "cache" });
				return new QueryCache({
					cacher,
					ttlSeconds: c.config.cache.ttlSeconds,
					registry: c.metrics.registry,
					logger,
					near: createNearCache(c.config, cacher, logger),
				});
			},
			(cache) => cache.stop(),
		);
		this.registerSingleton(
			"kafka",
			(c: CoreCradle) => createKafka(c.config, c.logger.child({ mod: "kafka" })),
			() => undefined,
		);
	}

	/** Registers a lazily created singleton with the function that releases it. */
	registerSingleton<T>(name: string, factory: (cradle: CoreCradle) => T, dispose: (value: T) => Promise<void> | void): void {
		this.awilix.register(
			name,
			asFunction((cradle: CoreCradle) => {
				const value = factory(cradle);
				this.#created.push({ name, dispose: () => dispose(value) });
				return value;
			}).singleton(),
		);
	}

	/** Registers a module's own providers (awilix resolvers). */
	registerProviders(providers: Record<string, Resolver<unknown>>): void {
		this.awilix.register(providers);
	}

	resolve<K extends keyof CoreCradle>(name: K): CoreCradle[K];
	resolve<T>(name: string): T;
	resolve(name: string): unknown {
		return this.awilix.resolve(name);
	}

	/** Disposes every created singleton, newest first; one failure does not stop the others. */
	async dispose(logger: Logger): Promise<void> {
		for (const item of this.#created.splice(0).reverse()) {
			const work = Promise.resolve().then(() => item.dispose());
			work.catch((err) => logger.warn({ err, service: item.name }, "dispose failed"));
			if (!(await settledWithin(work, DISPOSE_TIMEOUT_MS)))
				logger.warn({ service: item.name, timeoutMs: DISPOSE_TIMEOUT_MS }, "dispose did not finish in time");
		}
		await this.awilix.dispose();
	}
}

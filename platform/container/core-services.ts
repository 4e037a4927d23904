import { Redis } from "ioredis";
import { Kafka, logLevel } from "kafkajs";
import pg from "pg";
import type { Logger } from "pino";
import type { Config } from "../config/index.ts";
import type { EmbeddedPostgres } from "../embedded/index.ts";
import { TracedPgClient } from "../tracing/index.ts";

/** The clock every time-dependent piece asks, so tests can control time. */
export type Clock = { now(): Date };
export const systemClock: Clock = { now: () => new Date() };

/**
 * The node's pool: to `postgres.url`, or through `embedded` to the embedded profile's
 * database in this process.
 */
export function createPgPool(config: Config, logger: Logger, embedded?: EmbeddedPostgres): pg.Pool {
	const target: pg.PoolConfig = embedded
		? { user: "postgres", database: "postgres", stream: () => embedded.connect() }
		: { connectionString: config.postgres.url };
	// TracedPgClient: a span per query inside a recorded trace.
	const pool = new pg.Pool({ ...target, max: config.postgres.poolMax, Client: TracedPgClient });
	// An idle client losing its server must not crash the process; the next query reconnects.
	pool.on("error", (err) => logger.warn({ err }, "postgres idle client error"));
	return pool;
}

export function createRedis(config: Config, logger: Logger): Redis {
	const redis = new Redis(config.redis.url, {
		// Fail fast while disconnected instead of queueing, so readiness reports the outage.
		enableOfflineQueue: false,
		maxRetriesPerRequest: 1,
		retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
		lazyConnect: true,
		// Commands issued in the same tick (a call's rate-limit windows, concurrent requests') leave in one write.
		enableAutoPipelining: true,
	});
	redis.on("error", (err) => logger.debug({ err: err.message }, "redis connection error"));
	return redis;
}

export function createKafka(config: Config, logger: Logger): Kafka {
	return new Kafka({
		clientId: config.kafka.clientId,
		brokers: config.kafka.brokers,
		// kafkajs reports routine rebalances and reconnects as errors; its lines go to debug, and
		// what matters (a crashed group, a failed publish) is logged by the platform itself.
		logLevel: logger.isLevelEnabled("debug") ? logLevel.INFO : logLevel.NOTHING,
		retry: { retries: 3 },
		logCreator: () => (entry) => logger.debug({ kafka: entry.log }, entry.namespace),
	});
}

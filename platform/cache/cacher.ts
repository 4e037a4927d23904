import { Cachers } from "moleculer";
import type { Logger } from "pino";
import type { Config } from "../config/index.ts";
import { InvalidationFeed } from "./invalidation-feed.ts";
import { NearCache } from "./near-cache.ts";

/** A cacher command slower than this fails over to the tables, which by then answer sooner. */
const COMMAND_TIMEOUT_MS = 500;

/** Any of Moleculer's cachers: Redis here, Memory for a node that is the whole cluster. */
export type NodeCacher = Cachers.Base<Cachers.Base.CacherOptions>;

/**
 * Moleculer's Redis cacher for the node's query cache (broker option `cacher`): at
 * `redis.url`, keys under `<redis.keyPrefix>cache-`; its Memory cacher in the embedded
 * profile, whose one node is the whole cluster; undefined when `cache.enabled` is off.
 */
export function createCacher(config: Config): NodeCacher | undefined {
	if (!config.cache.enabled) return undefined;
	if (config.profile === "embedded") return new Cachers.Memory({ ttl: config.cache.ttlSeconds, clone: true });
	return new Cachers.Redis({
		prefix: cacherPrefix(config),
		ttl: config.cache.ttlSeconds,
		redis: {
			...connectionOf(config.redis.url),
			// Fail at once while disconnected instead of queueing (ioredis would hold a command
			// through 20 reconnects): the query then reads its tables instead of waiting for Redis.
			enableOfflineQueue: false,
			maxRetriesPerRequest: 1,
			commandTimeout: COMMAND_TIMEOUT_MS,
			// A query's two GETs (answer and generation), and those of concurrent queries, leave in one write.
			enableAutoPipelining: true,
			retryStrategy: (attempt: number) => Math.min(attempt * 200, 2_000),
		},
	});
}

/** The query cache's node-local level over `cacher`, and what keeps it exact; none unless the cacher is Redis. */
export function createNearCache(
	config: Config,
	cacher: NodeCacher | undefined,
	logger: Logger,
): { cache: NearCache; feed: InvalidationFeed } | undefined {
	if (!(cacher instanceof Cachers.Redis)) return undefined;
	const cache = new NearCache();
	// Moleculer puts "-" after a cacher's prefix.
	const feed = new InvalidationFeed(config.redis.url, `${cacherPrefix(config)}-`, cache, logger);
	feed.start();
	return { cache, feed };
}

function cacherPrefix(config: Config): string {
	return `${config.redis.keyPrefix}cache`;
}

/** ioredis options from a redis:// or rediss:// URL: Moleculer hands ioredis either a URL or options, not both. */
function connectionOf(url: string) {
	const parsed = new URL(url);
	return {
		host: parsed.hostname,
		port: parsed.port ? Number(parsed.port) : 6379,
		username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
		password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
		db: parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0,
		tls: parsed.protocol === "rediss:" ? {} : undefined,
	};
}

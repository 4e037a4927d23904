import { Redis } from "ioredis";
import type { Logger } from "pino";
import type { NearCache } from "./near-cache.ts";

/** Where Redis publishes what tracking clients asked to hear about (RESP2 redirect mode). */
const CHANNEL = "__redis__:invalidate";

/** Between attempts to set up tracking again after a failure that left both connections up. */
const RETRY_MS = 1_000;

/**
 * Keeps a NearCache exact with Redis's server-assisted client-side caching in broadcast mode:
 * `CLIENT TRACKING ON BCAST PREFIX <the cacher's prefix>` on one connection, redirected to a
 * second one subscribed to `__redis__:invalidate`, so that Redis tells this node of every change
 * to a cache key, by any node, expiry and eviction included. Redis sends a change's
 * announcement while it runs the command that made it, so a projection's "changing" mark
 * reaches every node before the projection commits. Whenever either connection drops, the near
 * cache forgets everything and answers nothing until tracking is set up again.
 */
export class InvalidationFeed {
	readonly #near: NearCache;
	readonly #prefix: string;
	readonly #logger: Logger;
	readonly #subscriber: Redis;
	readonly #tracker: Redis;
	/** The subscriber's client id while it is subscribed: tracking redirects to it. */
	#subscriberId: number | undefined;
	/** Counts lost connections, so that a setup overtaken by one does not start listening. */
	#losses = 0;
	#settingUp = false;
	/** Failed setups in a row: only the first is a warning. */
	#failures = 0;
	#retry: NodeJS.Timeout | undefined;
	#closed = false;

	constructor(redisUrl: string, prefix: string, near: NearCache, logger: Logger) {
		this.#near = near;
		this.#prefix = prefix;
		this.#logger = logger;
		const options = { enableOfflineQueue: false, maxRetriesPerRequest: 1, autoResubscribe: false, lazyConnect: true };
		// Named after the keys they watch, so that CLIENT LIST tells an operator what they are.
		this.#subscriber = new Redis(redisUrl, { ...options, connectionName: `cache-invalidations:${prefix}` });
		this.#tracker = new Redis(redisUrl, { ...options, connectionName: `cache-tracking:${prefix}` });
		this.#subscriber.on("messageBuffer", (channel: Buffer, keys: Buffer[] | null) => {
			if (channel.toString() === CHANNEL) this.#heard(keys);
		});
		for (const connection of [this.#subscriber, this.#tracker]) {
			connection.on("error", (err: Error) => logger.debug({ err: err.message }, "cache invalidation connection error"));
			connection.on("close", () => this.#lost(connection));
			connection.on("ready", () => void this.#setUp());
		}
	}

	start(): void {
		for (const connection of [this.#subscriber, this.#tracker]) connection.connect().catch(() => undefined);
	}

	close(): void {
		this.#closed = true;
		clearTimeout(this.#retry);
		this.#near.deafen();
		this.#subscriber.disconnect();
		this.#tracker.disconnect();
	}

	#heard(keys: Buffer[] | null): void {
		// A null announcement: the database was flushed.
		if (keys === null) {
			this.#near.flushed();
			return;
		}
		const relative: string[] = [];
		for (const key of keys) {
			const text = key.toString();
			if (text.startsWith(this.#prefix)) relative.push(text.slice(this.#prefix.length));
		}
		this.#near.changed(relative);
	}

	#lost(connection: Redis): void {
		this.#losses++;
		if (connection === this.#subscriber) this.#subscriberId = undefined;
		if (this.#near.listening && !this.#closed)
			this.#logger.warn("cache invalidations lost; queries read through Redis until they are heard again");
		this.#near.deafen();
	}

	async #setUp(): Promise<void> {
		clearTimeout(this.#retry);
		// Already heard: turning tracking off and on again would miss the changes in between.
		if (this.#near.listening) return;
		if (this.#settingUp || this.#closed || this.#subscriber.status !== "ready" || this.#tracker.status !== "ready") return;
		this.#settingUp = true;
		const losses = this.#losses;
		try {
			if (this.#subscriberId === undefined) {
				const id = Number(await this.#subscriber.client("ID"));
				await this.#subscriber.subscribe(CHANNEL);
				this.#subscriberId = id;
			}
			// Off first: tracking may still redirect to a subscriber connection that has since been replaced.
			await this.#tracker.client("TRACKING", "OFF");
			await this.#tracker.client("TRACKING", "ON", "REDIRECT", String(this.#subscriberId), "BCAST", "PREFIX", this.#prefix);
			this.#failures = 0;
			if (this.#losses === losses && !this.#closed) {
				this.#near.listen();
				this.#logger.debug({ prefix: this.#prefix }, "cache invalidations heard; hits answer from memory");
			}
		} catch (err) {
			const level = ++this.#failures === 1 ? "warn" : "debug";
			this.#logger[level]({ err }, "cache invalidation tracking could not be set up; retrying");
			this.#retry = setTimeout(() => void this.#setUp(), RETRY_MS).unref();
		} finally {
			this.#settingUp = false;
		}
		// A connection that came back while this ran finds it busy: run again for it.
		if (this.#losses !== losses) void this.#setUp();
	}
}

import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { failureLog } from "../logger/index.ts";
import { generationKey, namespacePattern } from "./cache-keys.ts";
import { cacheMetricsOf } from "./cache-metrics.ts";
import { CHANGING, committedGeneration } from "./generation.ts";
import type { InvalidationFeed } from "./invalidation-feed.ts";
import type { NearCache } from "./near-cache.ts";
import { OwedCleans } from "./owed-cleans.ts";
import { type CachedRead, type CacherApi, loadJson, type ReadThroughOptions, readThrough } from "./read-through.ts";

/** A query's cached read: its name (the `cache` label of the metrics) and what it is about. */
export type CachedQuery = CachedRead & { query: string };

export type QueryCacheOptions<C> = {
	cacher: C | undefined;
	ttlSeconds: number;
	registry: Registry;
	logger: Logger;
	/** The node's own level in front of a shared cacher, with the feed that keeps it exact. */
	near?: { cache: NearCache; feed: InvalidationFeed };
};

/**
 * The node's query cache over Moleculer's cacher (Redis; Memory in a single process). Queries
 * read through it with explicit keys inside their handlers, so after authentication,
 * authorization and rate limits (Moleculer's own `cache` action option would answer before
 * those, and is refused); projections tell it what they change. Answers are JSON data, cached
 * or not. A failing cacher never fails a query: it is answered from the tables.
 */
export class QueryCache<C extends CacherApi = CacherApi> {
	/** Moleculer's cacher, for the broker options; undefined when the cache is off. */
	readonly cacher: C | undefined;
	readonly #ttlSeconds: number;
	readonly #readOptions: ReadThroughOptions | undefined;
	readonly #near: QueryCacheOptions<C>["near"];
	readonly #requests: ReturnType<typeof cacheMetricsOf>["requests"];
	readonly #failed: (err: unknown) => void;
	readonly #owed: OwedCleans;

	constructor({ cacher, ttlSeconds, registry, logger, near }: QueryCacheOptions<C>) {
		this.cacher = cacher;
		this.#ttlSeconds = ttlSeconds;
		this.#requests = cacheMetricsOf(registry).requests;
		this.#failed = failureLog(logger, {
			failed: "query cache failed",
			warning: "query cache failed; queries read their tables until it answers",
		});
		this.#near = near;
		this.#readOptions = cacher && { cacher, ttlSeconds, onError: this.#failed, near: near?.cache };
		this.#owed = new OwedCleans((namespace) => this.#clean(namespace), this.#failed);
	}

	/** The answer of `load`, from the cache while its entity has not changed since it was stored. */
	async read<T>(query: CachedQuery, load: () => Promise<T>): Promise<T> {
		if (!this.#readOptions) return this.uncached(load);
		const { json, outcome } = await readThrough(this.#readOptions, query, load);
		this.#requests.inc({ cache: query.query, outcome });
		return JSON.parse(json) as T;
	}

	/** The answer of `load` without the cache, shaped as a cached one (JSON data). */
	async uncached<T>(load: () => Promise<T>): Promise<T> {
		return JSON.parse(await loadJson(load)) as T;
	}

	/**
	 * Before the transaction that changes `entities` commits: answers read until their new
	 * generation is set are not stored. A failure is only logged: the new generations after the
	 * commit still invalidate, and a projection must not stop because Redis did.
	 */
	async markChanging(namespace: string, entities: Iterable<string>): Promise<void> {
		const keys = Array.from(entities, (entity) => generationKey(namespace, entity));
		const cacher = this.cacher;
		if (!cacher || keys.length === 0) return;
		await Promise.all(keys.map((key) => cacher.set(key, CHANGING, this.#ttlSeconds))).catch(this.#failed);
	}

	/**
	 * Once that transaction has committed: each changed entity (with the position of the last
	 * event that changed it) gets a new generation, so no answer stored before is served again.
	 * If that fails, the namespace is cleaned whole once the cacher answers.
	 */
	async markChanged(namespace: string, changes: ReadonlyMap<string, number>): Promise<void> {
		const cacher = this.cacher;
		if (!cacher || changes.size === 0) return;
		const writes = Array.from(changes, ([entity, position]) =>
			cacher.set(generationKey(namespace, entity), committedGeneration(position), this.#ttlSeconds),
		);
		await Promise.all(writes).catch((err) => this.#owe(namespace, err));
	}

	/** Drops every answer and generation of a namespace: its tables were swapped by a rebuild. */
	async drop(namespace: string): Promise<void> {
		if (!this.cacher) return;
		await this.#clean(namespace).catch((err) => this.#owe(namespace, err));
	}

	/** Stops retrying owed cleans and hearing invalidations: the node is stopping. */
	stop(): void {
		this.#owed.stop();
		this.#near?.feed.close();
	}

	#clean(namespace: string): Promise<unknown> {
		return this.cacher ? this.cacher.clean(namespacePattern(namespace)) : Promise.resolve();
	}

	#owe(namespace: string, err: unknown): void {
		this.#failed(err);
		this.#owed.owe(namespace);
	}
}

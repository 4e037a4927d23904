import { answerKey, generationKey } from "./cache-keys.ts";
import { claimedGeneration, type Generation, isSettled } from "./generation.ts";
import type { Found, NearCache } from "./near-cache.ts";
import { setIfAbsent } from "./set-if-absent.ts";

/** The part of Moleculer's cacher API the query cache uses, so any of its cachers (Redis, Memory) will do. */
export type CacherApi = {
	get(key: string): Promise<unknown>;
	set(key: string, data: unknown, ttl?: number): Promise<unknown>;
	clean(match?: string | string[]): Promise<unknown>;
};

/** What one cached read is about: an entity within a namespace, and what tells its answers apart. */
export type CachedRead = { namespace: string; entity: string; variant?: string };

export type ReadOutcome = "hit" | "miss" | "error";

export type ReadThroughOptions = { cacher: CacherApi; ttlSeconds: number; onError: (err: unknown) => void; near?: NearCache };

/**
 * What is stored: the answer as JSON text with the generation it was read under. Text, so that
 * a hit hands out a fresh copy shaped exactly like a miss's whatever the cacher (Memory keeps
 * objects by reference, Redis gives back parsed JSON).
 */
type Stored = { gen: Generation; json: string };

function isStored(value: unknown): value is Stored {
	return (
		typeof value === "object" && value !== null && typeof (value as Stored).gen === "string" && typeof (value as Stored).json === "string"
	);
}

/** The answer as JSON text: what a cached answer gives back, so a miss answers the same. */
export async function loadJson(load: () => Promise<unknown>): Promise<string> {
	// JSON has no undefined: an answer of nothing is null.
	return JSON.stringify(await load()) ?? "null";
}

/**
 * Answers from the cache when the stored answer was read under the entity's current
 * generation, else from `load`, storing the answer under the generation taken *before*
 * loading: a projection that commits a change in between replaces that generation, so the
 * answer it made stale is never served. Nothing is stored while a change is being committed.
 * A failing cacher costs the cache, never the answer. With a `near` cache, what the node
 * already read is answered from its memory, and what it reads from Redis is kept there.
 */
export async function readThrough(
	options: ReadThroughOptions,
	read: CachedRead,
	load: () => Promise<unknown>,
): Promise<{ json: string; outcome: ReadOutcome }> {
	const key = answerKey(read.namespace, read.entity, read.variant);
	const genKey = generationKey(read.namespace, read.entity);
	const near = options.near;
	const remembered = near?.serve(key, genKey);
	if (remembered !== undefined) return { json: remembered, outcome: "hit" };
	const watch = near?.watch(genKey);
	// What this read may teach the near cache once it is over (see NearCache.settle).
	let learned: Found | undefined;
	try {
		let found: [unknown, unknown];
		try {
			// Issued together, so Redis answers both in one round trip.
			found = await Promise.all([options.cacher.get(key), options.cacher.get(genKey)]);
		} catch (err) {
			options.onError(err);
			return { json: await loadJson(load), outcome: "error" };
		}
		const [stored, gen] = found;
		if (isSettled(gen) && isStored(stored) && stored.gen === gen) {
			learned = { gen, key, json: stored.json };
			return { json: stored.json, outcome: "hit" };
		}
		const under = gen == null ? await claim(options, genKey) : isSettled(gen) ? gen : undefined;
		const json = await loadJson(load);
		if (under !== undefined) {
			const entry: Stored = { gen: under, json };
			await options.cacher.set(key, entry, options.ttlSeconds).catch(options.onError);
			learned = { gen: under, key, json };
		}
		return { json, outcome: "miss" };
	} finally {
		near?.settle(watch, learned);
	}
}

/**
 * Gives an entity without a generation (never changed, or expired) one of its own before its
 * rows are read, so that no answer is ever stored under "none": an expired generation would
 * otherwise turn old answers stored under "none" valid again. Only if the key is still empty:
 * a projection may have marked the entity changing since it was read, and a claim replacing
 * that mark would let the answer read before the commit be served after it, until the new
 * generation is set. Undefined when the key was taken meanwhile or the cacher failed; the
 * answer is then not stored.
 */
async function claim(options: ReadThroughOptions, genKey: string): Promise<Generation | undefined> {
	const gen = claimedGeneration();
	try {
		return (await setIfAbsent(options.cacher, genKey, gen, options.ttlSeconds)) ? gen : undefined;
	} catch (err) {
		options.onError(err);
		return undefined;
	}
}

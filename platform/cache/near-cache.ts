import { BoundedMap } from "../collections/index.ts";
import type { Generation } from "./generation.ts";

/**
 * How long the node answers from its memory what it last read from Redis. Every change is
 * heard at once (see InvalidationFeed); this only bounds what a change lost without a
 * disconnect to show for it could cost, at one round trip per entity per period.
 */
const LOCAL_TTL_MS = 5_000;

/** The most generations a node keeps in memory; the oldest go first. */
const LOCAL_GENERATIONS = 10_000;

/**
 * The most answer text a node keeps in memory, in characters (a page of transactions can be
 * tens of thousands); the oldest answers go first. An answer larger than a tenth of it is not kept.
 */
const LOCAL_ANSWER_CHARS = 16 * 1024 * 1024;

type KnownGeneration = { gen: Generation; until: number };
type KnownAnswer = { gen: Generation; json: string };

/** A read going to Redis: what it finds may be kept only if its entity's generation did not change meanwhile. */
export type Watch = { genKey: string; session: number };

/** What a read found in Redis: the entity's generation, and the answer stored under it. */
export type Found = { gen: Generation; key: string; json: string };

/**
 * The node's own copy of the generations and answers it read from Redis, so that a hit costs
 * no round trip. It answers only while it hears every change to the cache's keys (Redis's
 * client-side caching, InvalidationFeed), and forgets everything when it stops hearing them.
 *
 * Nothing learned is stored if its entity's generation changed while the read was on its way
 * (a change is announced on another connection, so its announcement and the read's answer
 * may arrive in either order). An answer is served only under the generation it was stored
 * with, like the Redis level's, so a changed generation retires every answer about it.
 */
export class NearCache {
	readonly #generations = new BoundedMap<string, KnownGeneration>(LOCAL_GENERATIONS);
	readonly #answers = new Map<string, KnownAnswer>();
	/** Characters of the answers kept. */
	#answerChars = 0;
	/** Generation keys with reads on their way to Redis, and how many. */
	readonly #watched = new Map<string, number>();
	/** Watched generation keys that changed while those reads were on their way. */
	readonly #changedWhileWatched = new Set<string>();
	readonly #now: () => number;
	/** Bumped whenever hearing starts or stops: a read that began in another session learns nothing. */
	#session = 0;
	#listening = false;

	constructor(now: () => number = () => performance.now()) {
		this.#now = now;
	}

	/** Whether changes reach this node now, so that it may answer from memory. */
	get listening(): boolean {
		return this.#listening;
	}

	/** The answer stored under `key` if it was read under the entity's current generation, as last heard. */
	serve(key: string, genKey: string): string | undefined {
		if (!this.#listening) return undefined;
		const known = this.#generations.get(genKey);
		if (known === undefined) return undefined;
		if (known.until <= this.#now()) {
			this.#generations.delete(genKey);
			return undefined;
		}
		const answer = this.#answers.get(key);
		return answer?.gen === known.gen ? answer.json : undefined;
	}

	/** Before a read of `genKey` goes to Redis; undefined while nothing may be learned. */
	watch(genKey: string): Watch | undefined {
		if (!this.#listening) return undefined;
		this.#watched.set(genKey, (this.#watched.get(genKey) ?? 0) + 1);
		return { genKey, session: this.#session };
	}

	/** The watched read is over: what it `found` is kept unless its generation changed meanwhile. */
	settle(watch: Watch | undefined, found?: Found): void {
		if (watch === undefined) return;
		const { genKey } = watch;
		const changed = this.#changedWhileWatched.has(genKey);
		const left = (this.#watched.get(genKey) ?? 1) - 1;
		if (left > 0) this.#watched.set(genKey, left);
		else {
			this.#watched.delete(genKey);
			this.#changedWhileWatched.delete(genKey);
		}
		if (found === undefined || changed || !this.#listening || watch.session !== this.#session) return;
		this.#generations.set(genKey, { gen: found.gen, until: this.#now() + LOCAL_TTL_MS });
		this.#keepAnswer(found.key, { gen: found.gen, json: found.json });
	}

	/**
	 * Redis changed these keys (relative to the cacher's prefix). Only generations matter: an
	 * answer is served only under its own generation, whoever rewrites its key.
	 */
	changed(keys: readonly string[]): void {
		for (const key of keys) {
			this.#generations.delete(key);
			if (this.#watched.has(key)) this.#changedWhileWatched.add(key);
		}
	}

	/** Redis dropped every key (FLUSHDB, FLUSHALL): nothing known holds any more. */
	flushed(): void {
		this.#forgetAll();
		for (const key of this.#watched.keys()) this.#changedWhileWatched.add(key);
	}

	/** Every change from now on is heard. */
	listen(): void {
		this.#session++;
		this.#listening = true;
	}

	/** Changes may be missed from now on: forget everything, answer nothing from memory. */
	deafen(): void {
		this.#session++;
		this.#listening = false;
		this.#forgetAll();
		// Reads still on their way belong to the old session and learn nothing; their counts stay
		// so that a read of the next session sees a change made while it too was on its way.
		this.#changedWhileWatched.clear();
	}

	#keepAnswer(key: string, answer: KnownAnswer): void {
		this.#dropAnswer(key);
		if (answer.json.length > LOCAL_ANSWER_CHARS / 10) return;
		while (this.#answerChars + answer.json.length > LOCAL_ANSWER_CHARS) this.#dropAnswer(this.#answers.keys().next().value as string);
		this.#answers.set(key, answer);
		this.#answerChars += answer.json.length;
	}

	#dropAnswer(key: string): void {
		const answer = this.#answers.get(key);
		if (answer === undefined) return;
		this.#answers.delete(key);
		this.#answerChars -= answer.json.length;
	}

	#forgetAll(): void {
		this.#generations.clear();
		this.#answers.clear();
		this.#answerChars = 0;
	}
}

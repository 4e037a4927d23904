import type { Redis } from "ioredis";
import { Cachers } from "moleculer";
import type { CacherApi } from "./read-through.ts";

type RedisCacherInsides = { client: Redis; prefix: string; serializer: { serialize(value: unknown): Buffer } };
type MemoryCacherInsides = { cache: Map<string, { expire: number | null }> };

/**
 * Sets `key` to `value` unless it holds one; whether it did. Moleculer's cacher API has no such
 * command, so this speaks to the two cachers the platform runs (platform/cache/cacher.ts) under
 * it, storing what their `set` would: Redis with SET NX; the Memory cacher by checking its map
 * and setting in one synchronous step, so nothing runs in between. Any other cacher gets a
 * plain set, which may replace a value set a moment earlier.
 */
export async function setIfAbsent(cacher: CacherApi, key: string, value: unknown, ttlSeconds: number): Promise<boolean> {
	if (cacher instanceof Cachers.Redis) {
		const redis = cacher as unknown as RedisCacherInsides;
		return (await redis.client.set(redis.prefix + key, redis.serializer.serialize(value), "EX", ttlSeconds, "NX")) !== null;
	}
	if (cacher instanceof Cachers.Memory) {
		const held = (cacher as unknown as MemoryCacherInsides).cache.get(key);
		if (held && (held.expire === null || held.expire >= Date.now())) return false;
	}
	await cacher.set(key, value, ttlSeconds);
	return true;
}

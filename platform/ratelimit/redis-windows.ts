import type { Redis } from "ioredis";

/** One fixed window to count a call in: its Redis key, and its length. */
export type WindowKey = { key: string; durationMs: number };

/** The count of a window after the call, and the milliseconds until it resets. */
export type WindowCount = { count: number; msLeft: number };

/**
 * Every window of a call counted in one round trip, atomically: INCR each key, give a new key
 * its expiry, read what is left of it. Fixed windows, as rate-limiter-flexible's Redis limiter
 * counts them, in one script for all of a call's windows instead of one command each.
 */
const SCRIPT = `
local out = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 then redis.call('PEXPIRE', key, ARGV[i]) end
  out[i] = { count, redis.call('PTTL', key) }
end
return out`;

type WithWindows = Redis & { platformCountWindows(keyCount: number, ...args: (string | number)[]): Promise<[number, number][]> };

export class RedisWindows {
	readonly #redis: WithWindows;

	constructor(redis: Redis) {
		// ioredis sends EVALSHA, and the script itself only when Redis does not know it yet.
		if (!("platformCountWindows" in redis)) redis.defineCommand("platformCountWindows", { lua: SCRIPT });
		this.#redis = redis as WithWindows;
	}

	async count(windows: readonly WindowKey[]): Promise<WindowCount[]> {
		const keys = windows.map((w) => w.key);
		const durations = windows.map((w) => w.durationMs);
		const counted = await this.#redis.platformCountWindows(windows.length, ...keys, ...durations);
		return counted.map(([count, msLeft]) => ({ count, msLeft: Math.max(msLeft, 0) }));
	}
}

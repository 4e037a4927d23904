import type { Redis } from "ioredis";

/** One fixed window to count calls in: its Redis key, and its length. */
export type WindowKey = { key: string; durationMs: number };

/** Calls to add to a window: one, or those a node counted on its own since it last told Redis. */
export type WindowAdd = WindowKey & { calls: number };

/** The count of a window after the call, and the milliseconds until it resets. */
export type WindowCount = { count: number; msLeft: number };

/**
 * Windows counted in one round trip, atomically: INCRBY each key, give a new key its expiry,
 * read what is left of it. Fixed windows, as rate-limiter-flexible's Redis limiter counts
 * them, in one script for all the windows instead of one command each. ARGV holds the
 * windows' lengths, then the calls to add to each.
 */
const SCRIPT = `
local out = {}
local n = #KEYS
for i, key in ipairs(KEYS) do
  local calls = tonumber(ARGV[n + i])
  local count = redis.call('INCRBY', key, calls)
  if count == calls then redis.call('PEXPIRE', key, ARGV[i]) end
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

	/** Adds each window's calls; the windows' counts after them. */
	async add(windows: readonly WindowAdd[]): Promise<WindowCount[]> {
		const keys = windows.map((w) => w.key);
		const durations = windows.map((w) => w.durationMs);
		const calls = windows.map((w) => w.calls);
		const counted = await this.#redis.platformCountWindows(windows.length, ...keys, ...durations, ...calls);
		return counted.map(([count, msLeft]) => ({ count, msLeft: Math.max(msLeft, 0) }));
	}
}

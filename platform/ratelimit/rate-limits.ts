import type { Redis } from "ioredis";
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { Config } from "../config/index.ts";

/** `points` calls per window of `durationSeconds`. */
export type Limit = { points: number; durationSeconds: number };

/** The limits an action keeps apart from the defaults, declared in code or set in config. */
export type ActionRateLimit = { perUser?: Limit; perIp?: Limit };

/** Who a call counts against: the signed-in user (if any) and the client's address (if known). */
export type Caller = { userId?: string; ip?: string };

/** How much of the tightest window that counted a call is left, for the RateLimit headers. */
export type Allowance = { limit: number; remaining: number; resetSeconds: number; windowSeconds: number };

/** The outcome of counting a call; `retryAfterSeconds` is set when it must be refused. */
export type Verdict = { allowance: Allowance; retryAfterSeconds?: number };

type Bucket = { limiter: RateLimiterAbstract; key: string };

/**
 * Counts gateway calls per user and per IP in Redis, so every node sees the same counts:
 * each call against the default buckets and, when its action has limits of its own, against
 * those too. Without Redis (the embedded profile) the counts live in the process. When Redis
 * fails mid-request, each node goes on counting in memory rather than refuse every call or
 * let every call through.
 */
export class RateLimits {
	readonly #config: Config["rateLimits"];
	readonly #redis: Redis | undefined;
	readonly #keyPrefix: string;
	readonly #limiters = new Map<string, RateLimiterAbstract>();

	constructor(config: Config["rateLimits"], redis: Redis | undefined, keyPrefix: string) {
		this.#config = config;
		this.#redis = redis;
		this.#keyPrefix = `${keyPrefix}rate:`;
	}

	/**
	 * Counts one call of `action`: what is left of the tightest window that counted it, and
	 * when any window is spent, the seconds until the caller may try again.
	 */
	async consume(action: string, declared: ActionRateLimit | undefined, caller: Caller): Promise<Verdict | undefined> {
		const buckets = this.#bucketsFor(action, declared, caller);
		if (buckets.length === 0) return undefined;
		const counted = await Promise.all(buckets.map((bucket) => count(bucket)));
		const spent = counted.filter((c) => c.spent);
		const tightest = (spent.length > 0 ? spent : counted).reduce((a, b) => (b.allowance.remaining < a.allowance.remaining ? b : a));
		if (spent.length === 0) return { allowance: tightest.allowance };
		return { allowance: tightest.allowance, retryAfterSeconds: Math.max(...spent.map((c) => c.allowance.resetSeconds), 1) };
	}

	#bucketsFor(action: string, declared: ActionRateLimit | undefined, caller: Caller): Bucket[] {
		const own = this.#config.actions[action] ?? declared;
		const buckets: Bucket[] = [];
		if (caller.userId !== undefined) {
			buckets.push({ limiter: this.#limiter("user", this.#config.perUser), key: caller.userId });
			if (own?.perUser) buckets.push({ limiter: this.#limiter(`user:${action}`, own.perUser), key: caller.userId });
		}
		if (caller.ip !== undefined) {
			buckets.push({ limiter: this.#limiter("ip", this.#config.perIp), key: caller.ip });
			if (own?.perIp) buckets.push({ limiter: this.#limiter(`ip:${action}`, own.perIp), key: caller.ip });
		}
		return buckets;
	}

	#limiter(scope: string, limit: Limit): RateLimiterAbstract {
		const name = `${scope}:${limit.points}/${limit.durationSeconds}`;
		let limiter = this.#limiters.get(name);
		if (!limiter) {
			const options = { keyPrefix: `${this.#keyPrefix}${scope}`, points: limit.points, duration: limit.durationSeconds };
			limiter = this.#redis
				? new RateLimiterRedis({ ...options, storeClient: this.#redis, insuranceLimiter: new RateLimiterMemory(options) })
				: new RateLimiterMemory(options);
			this.#limiters.set(name, limiter);
		}
		return limiter;
	}
}

/** A spent window rejects with its state, which is what we want to read; anything else is a failure. */
async function count({ limiter, key }: Bucket): Promise<{ spent: boolean; allowance: Allowance }> {
	try {
		return { spent: false, allowance: allowanceOf(await limiter.consume(key), limiter) };
	} catch (res) {
		if (!(res instanceof RateLimiterRes)) throw res;
		return { spent: true, allowance: allowanceOf(res, limiter) };
	}
}

function allowanceOf(res: RateLimiterRes, limiter: RateLimiterAbstract): Allowance {
	return {
		limit: limiter.points,
		remaining: Math.max(limiter.points - res.consumedPoints, 0),
		resetSeconds: Math.ceil(res.msBeforeNext / 1000),
		windowSeconds: limiter.duration,
	};
}

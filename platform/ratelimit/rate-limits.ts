import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { RateLimiterMemory } from "rate-limiter-flexible";
import { BoundedMap } from "../collections/index.ts";
import type { Config } from "../config/index.ts";
import { clientBlock } from "../http/index.ts";
import { failureLog } from "../logger/index.ts";
import { BatchedWindows, type LimitedWindow } from "./batched-windows.ts";
import { RedisWindows, type WindowCount } from "./redis-windows.ts";

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

/** One window a call counts against: which limit, and whose count. */
type Window = { scope: string; limit: Limit; id: string };

/** A call's windows, and the same with their Redis keys, as counted for one action and caller. */
type CallerWindows = { windows: Window[]; keyed: LimitedWindow[] };

/** Callers whose windows are remembered; beyond that the oldest is forgotten (a few microseconds to make again). */
const REMEMBERED_CALLERS = 10_000;

/**
 * Counts gateway calls per user and per IP in Redis, so every node sees the same counts:
 * each call against the default windows and, when its action has limits of its own, against
 * those too, all of them in one round trip, or none while the call is far below every limit
 * (see BatchedWindows). Without Redis (the embedded profile) the counts live in the process.
 * When Redis fails mid-request, each node goes on counting in memory (rate-limiter-flexible's
 * memory limiter) rather than refuse every call or let every call through.
 */
export class RateLimits {
	readonly #config: Config["rateLimits"];
	/** The windows every node counts in (Redis); none on the embedded profile. */
	readonly #shared: BatchedWindows | undefined;
	readonly #keyPrefix: string;
	readonly #inMemory = new Map<string, RateLimiterMemory>();
	/** Every gateway call asks for its windows; the same callers come back again and again. */
	readonly #callerWindows = new BoundedMap<string, CallerWindows>(REMEMBERED_CALLERS);
	/** Counting alone lets a client through each node up to the limit: the operator must hear of it. */
	readonly #failed: (err: unknown) => void;

	constructor(config: Config["rateLimits"], redis: Redis | undefined, keyPrefix: string, logger: Logger) {
		this.#config = config;
		this.#failed = failureLog(logger, {
			failed: "rate limits: Redis failed",
			warning: "rate limits: Redis failed; each node counts calls on its own until it answers",
		});
		this.#shared = redis ? new BatchedWindows(new RedisWindows(redis)) : undefined;
		this.#keyPrefix = `${keyPrefix}rate:`;
	}

	/**
	 * Counts one call of `action`: what is left of the tightest window that counted it, and
	 * when any window is spent, the seconds until the caller may try again.
	 */
	async consume(action: string, declared: ActionRateLimit | undefined, caller: Caller): Promise<Verdict | undefined> {
		const { windows, keyed } = this.#callerWindowsFor(action, declared, caller);
		if (windows.length === 0) return undefined;
		const counts = await this.#count(windows, keyed);
		const allowances = windows.map((w, i) => allowanceOf(w.limit, counts[i] as WindowCount));
		const spent = allowances.filter((a, i) => (counts[i] as WindowCount).count > a.limit);
		const tightest = (spent.length > 0 ? spent : allowances).reduce((a, b) => (b.remaining < a.remaining ? b : a));
		if (spent.length === 0) return { allowance: tightest };
		return { allowance: tightest, retryAfterSeconds: Math.max(...spent.map((a) => a.resetSeconds), 1) };
	}

	async #count(windows: readonly Window[], keyed: readonly LimitedWindow[]): Promise<WindowCount[]> {
		if (this.#shared) {
			try {
				return await this.#shared.count(keyed);
			} catch (err) {
				// Redis is away: this node counts alone until it is back.
				this.#failed(err);
			}
		}
		return Promise.all(windows.map((w) => this.#countInMemory(w)));
	}

	/** Sends the calls counted locally to Redis; the node is stopping. */
	async close(): Promise<void> {
		await this.#shared?.close();
	}

	async #countInMemory(window: Window): Promise<WindowCount> {
		const name = `${window.scope}:${window.limit.points}/${window.limit.durationSeconds}`;
		let limiter = this.#inMemory.get(name);
		if (!limiter) {
			// Its own points are never the refusal: the count is compared with the limit like Redis's.
			limiter = new RateLimiterMemory({ points: Number.MAX_SAFE_INTEGER, duration: window.limit.durationSeconds });
			this.#inMemory.set(name, limiter);
		}
		const res = await limiter.consume(window.id);
		return { count: res.consumedPoints, msLeft: res.msBeforeNext };
	}

	#callerWindowsFor(action: string, declared: ActionRateLimit | undefined, caller: Caller): CallerWindows {
		const id = `${action}\n${caller.userId ?? ""}\n${caller.ip ?? ""}`;
		let known = this.#callerWindows.get(id);
		if (!known) {
			const windows = this.#windowsFor(action, declared, caller);
			const keyed = windows.map((w) => ({
				key: `${this.#keyPrefix}${w.scope}:${w.id}`,
				durationMs: w.limit.durationSeconds * 1000,
				points: w.limit.points,
			}));
			known = { windows, keyed };
			this.#callerWindows.set(id, known);
		}
		return known;
	}

	#windowsFor(action: string, declared: ActionRateLimit | undefined, caller: Caller): Window[] {
		const own = this.#config.actions[action] ?? declared;
		const windows: Window[] = [];
		if (caller.userId !== undefined) {
			windows.push({ scope: "user", limit: this.#config.perUser, id: caller.userId });
			if (own?.perUser) windows.push({ scope: `user:${action}`, limit: own.perUser, id: caller.userId });
		}
		if (caller.ip !== undefined) {
			const block = clientBlock(caller.ip);
			windows.push({ scope: "ip", limit: this.#config.perIp, id: block });
			if (own?.perIp) windows.push({ scope: `ip:${action}`, limit: own.perIp, id: block });
		}
		return windows;
	}
}

function allowanceOf(limit: Limit, counted: WindowCount): Allowance {
	return {
		limit: limit.points,
		remaining: Math.max(limit.points - counted.count, 0),
		resetSeconds: Math.ceil(counted.msLeft / 1000),
		windowSeconds: limit.durationSeconds,
	};
}

import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, type RateLimiterRes } from "rate-limiter-flexible";
import type { Config } from "../../platform/config/index.ts";
import { TooManyRequestsError } from "../../platform/errors/index.ts";

/**
 * Failed logins counted per account and per IP in Redis (shared by every node; in memory
 * without Redis, in the embedded profile's one process); past the
 * limit, logins of that account or from that IP are refused for the rest of the window,
 * right or wrong password, so guessing costs a window per few tries. Account keys are hashed:
 * no email in Redis.
 */
export class LoginThrottle {
	readonly #perAccount: RateLimiterAbstract;
	readonly #perIp: RateLimiterAbstract;

	constructor(redis: Redis | undefined, config: Config["auth"]["login"], keyPrefix: string) {
		const limiter = (scope: string, points: number) => {
			const options = { keyPrefix: `${keyPrefix}login-failures:${scope}`, points, duration: config.windowSeconds };
			return redis ? new RateLimiterRedis({ ...options, storeClient: redis }) : new RateLimiterMemory(options);
		};
		this.#perAccount = limiter("account", config.maxFailuresPerAccount);
		this.#perIp = limiter("ip", config.maxFailuresPerIp);
	}

	/** Refuses with 429 and Retry-After seconds when the account or the IP is over its limit. */
	async check(email: string, ip: string | undefined): Promise<void> {
		const [account, fromIp] = await Promise.all([this.#perAccount.get(accountKey(email)), ip ? this.#perIp.get(ip) : null]);
		for (const [state, limit] of [
			[account, this.#perAccount.points],
			[fromIp, this.#perIp.points],
		] as const) {
			if (state && state.consumedPoints >= limit) {
				throw new TooManyRequestsError("Too many failed logins; try again later", Math.ceil(state.msBeforeNext / 1000), "LOGIN_THROTTLED");
			}
		}
	}

	async failed(email: string, ip: string | undefined): Promise<void> {
		// Going over the limit rejects with the limiter's state; the next check refuses.
		const count = (limiter: RateLimiterAbstract, key: string) =>
			limiter.consume(key).catch((res: RateLimiterRes | Error) => {
				if (res instanceof Error) throw res;
			});
		await Promise.all([count(this.#perAccount, accountKey(email)), ip ? count(this.#perIp, ip) : undefined]);
	}

	/** A right password clears the account's failures (not the IP's). */
	async succeeded(email: string): Promise<void> {
		await this.#perAccount.delete(accountKey(email));
	}
}

function accountKey(email: string): string {
	return createHash("sha256").update(email).digest("hex");
}

import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, type RateLimiterRes } from "rate-limiter-flexible";
import type { Config } from "../../platform/config/index.ts";
import { TooManyRequestsError } from "../../platform/errors/index.ts";
import { clientBlock } from "../../platform/http/index.ts";

/**
 * Login attempts counted per account and per IP in Redis (shared by every node; in memory
 * without Redis, in the embedded profile's one process). An attempt counts when it starts and
 * a right password takes it back, so what stays counted are the failures, and guesses sent
 * all at once count before any of them is answered. Past the limit, logins of that account or
 * from that IP are refused for the rest of the window, right or wrong password, so guessing
 * costs a window per few tries. An IPv6 client counts by its /64 (clientBlock). Account keys
 * are hashed: no email in Redis.
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

	/**
	 * Counts an attempt before its password is checked; refuses with 429 and Retry-After seconds
	 * when that takes the account or the IP past its limit.
	 */
	async attempt(email: string, ip: string | undefined): Promise<void> {
		const counted = await Promise.all([
			pastLimit(this.#perAccount, accountKey(email)),
			ip ? pastLimit(this.#perIp, clientBlock(ip)) : undefined,
		]);
		const refusals = counted.filter((state) => state !== undefined);
		if (refusals.length === 0) return;
		const retryAfterMs = Math.max(...refusals.map((state) => state.msBeforeNext));
		throw new TooManyRequestsError("Too many failed logins; try again later", Math.ceil(retryAfterMs / 1000), "LOGIN_THROTTLED");
	}

	/** A right password: the account's failures are cleared, and the IP's count of this attempt taken back. */
	async succeeded(email: string, ip: string | undefined): Promise<void> {
		await Promise.all([this.#perAccount.delete(accountKey(email)), ip ? this.#perIp.reward(clientBlock(ip), 1) : undefined]);
	}
}

/** Counts one attempt; the limiter's state when it went past the limit. */
async function pastLimit(limiter: RateLimiterAbstract, key: string): Promise<RateLimiterRes | undefined> {
	try {
		await limiter.consume(key);
		return undefined;
	} catch (res) {
		if (res instanceof Error) throw res;
		return res as RateLimiterRes;
	}
}

function accountKey(email: string): string {
	return createHash("sha256").update(email).digest("hex");
}

import type { Redis } from "ioredis";
import { configSchema } from "../../../platform/config/schema.ts";
import { RateLimits } from "../../../platform/ratelimit/index.ts";
import { capturedLogger } from "../../support/captured-logger.ts";

const config = configSchema.parse({
	rateLimits: {
		perUser: { points: 3, durationSeconds: 60 },
		perIp: { points: 5, durationSeconds: 60 },
		actions: { "identity.register": { perIp: { points: 2, durationSeconds: 30 } } },
	},
}).rateLimits;

/** A Redis whose every command fails, as when the server is gone. */
const unreachableRedis = {
	defineCommand: () => undefined,
	platformCountWindows: () => Promise.reject(new Error("Connection is closed.")),
} as unknown as Redis;

describe("rate limits counted in the process (no Redis, or Redis gone)", () => {
	for (const [label, redis] of [
		["without Redis", undefined],
		["with Redis unreachable", unreachableRedis],
	] as const) {
		it(`${label}: answers the tightest window, then refuses past a limit with when to retry`, async () => {
			const { logger, lines } = capturedLogger();
			const limits = new RateLimits(config, redis, "", logger);
			const caller = { userId: "u1", ip: "203.0.113.1" };
			expect(await limits.consume("ledger.getAccount", undefined, caller)).toEqual({
				allowance: { limit: 3, remaining: 2, resetSeconds: 60, windowSeconds: 60 },
			});
			await limits.consume("ledger.getAccount", undefined, caller);
			await limits.consume("ledger.getAccount", undefined, caller);
			const refused = await limits.consume("ledger.getAccount", undefined, caller);
			expect(refused).toMatchObject({ allowance: { limit: 3, remaining: 0 }, retryAfterSeconds: 60 });
			// Another user from the same address has a window of their own; the address reaches its limit with this call, not past it.
			expect(await limits.consume("ledger.getAccount", undefined, { userId: "u2", ip: "203.0.113.1" })).toEqual({
				allowance: { limit: 5, remaining: 0, resetSeconds: 60, windowSeconds: 60 },
			});
			// Five calls failed over: the operator hears once, and the rest go to debug.
			const warnings = lines.filter((l) => l.level === 40).map((l) => l.msg);
			expect(warnings).toEqual(redis ? ["rate limits: Redis failed; each node counts calls on its own until it answers"] : []);
		});
	}

	it("counts an action's own window besides the defaults, config over the action's declaration", async () => {
		const limits = new RateLimits(config, undefined, "", capturedLogger().logger);
		const anonymous = { ip: "198.51.100.7" };
		const declared = { perIp: { points: 100, durationSeconds: 60 } };
		expect(await limits.consume("identity.register", declared, anonymous)).toEqual({
			allowance: { limit: 2, remaining: 1, resetSeconds: 30, windowSeconds: 30 },
		});
		await limits.consume("identity.register", declared, anonymous);
		expect(await limits.consume("identity.register", declared, anonymous)).toMatchObject({ retryAfterSeconds: 30 });
		// The default window of the address counted all three and is not spent.
		expect(await limits.consume("system.ping", undefined, anonymous)).toEqual({
			allowance: { limit: 5, remaining: 1, resetSeconds: 60, windowSeconds: 60 },
		});
	});

	it("counts an IPv6 client by its /64, which it may pick any address of", async () => {
		const limits = new RateLimits(config, undefined, "", capturedLogger().logger);
		for (let i = 1; i <= 5; i++) await limits.consume("system.ping", undefined, { ip: `2001:db8:1:2::${i}` });
		expect(await limits.consume("system.ping", undefined, { ip: "2001:db8:1:2:ffff::1" })).toMatchObject({ retryAfterSeconds: 60 });
		expect(await limits.consume("system.ping", undefined, { ip: "2001:db8:1:3::1" })).toEqual({
			allowance: { limit: 5, remaining: 4, resetSeconds: 60, windowSeconds: 60 },
		});
	});

	it("counts nothing for a caller it cannot name", async () => {
		expect(await new RateLimits(config, undefined, "", capturedLogger().logger).consume("system.ping", undefined, {})).toBeUndefined();
	});
});

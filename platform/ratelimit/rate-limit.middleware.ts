import type { Context, Middleware } from "moleculer";
import type { AuthMeta, EntryMeta } from "../auth/index.ts";
import { TooManyRequestsError } from "../errors/index.ts";
import { rateLimitHeaders } from "./headers.ts";
import type { ActionRateLimit, RateLimits } from "./rate-limits.ts";

/** Headers an action asks the gateway to add to its answer (moleculer-web reads this key). */
export type ResponseHeadersMeta = { $responseHeaders?: Record<string, string> };

/**
 * Counts every call a gateway makes to its entry action, per user and per client IP, and
 * refuses one over a limit with 429 and Retry-After. Both answers carry the RateLimit headers.
 * Runs after authentication (to know the user) and authorization (a refused call was cheap
 * and counts nowhere); calls between services, the REPL and jobs are not limited.
 */
export function RateLimitMiddleware(limits: () => RateLimits | undefined): Middleware {
	return {
		name: "RateLimit",
		localAction(next: (ctx: Context) => Promise<unknown>, action: { name: string; rateLimit?: ActionRateLimit }) {
			return async (ctx: Context<unknown, AuthMeta & EntryMeta & ResponseHeadersMeta>) => {
				const meta = ctx.meta;
				const rateLimits = meta.entry?.action === action.name ? limits() : undefined;
				if (rateLimits) {
					const verdict = await rateLimits.consume(action.name, action.rateLimit, { userId: meta.user?.id, ip: meta.ip });
					if (verdict) {
						meta.$responseHeaders = { ...meta.$responseHeaders, ...rateLimitHeaders(verdict.allowance) };
						if (verdict.retryAfterSeconds !== undefined) {
							throw new TooManyRequestsError("Too many requests; slow down and try again later", verdict.retryAfterSeconds, "RATE_LIMITED");
						}
					}
				}
				return next(ctx);
			};
		},
	} as Middleware;
}

// moleculer's service.d.ts is `export = Service`: its namespace members are the module's own.
declare module "../../node_modules/moleculer/src/service.js" {
	interface ActionSchema<TThis> {
		/** Limits of the action's own through the gateways, besides the defaults; config's rateLimits.actions overrides them. */
		rateLimit?: ActionRateLimit;
	}
}

import type { Allowance } from "./rate-limits.ts";

/**
 * The RateLimit header fields of the IETF httpapi draft (the -06 form that clients and
 * proxies read today): the limit of the tightest window that counted the call, what is left
 * of it, seconds until it resets, and the window as a policy.
 */
export function rateLimitHeaders(allowance: Allowance): Record<string, string> {
	return {
		"RateLimit-Limit": String(allowance.limit),
		"RateLimit-Remaining": String(allowance.remaining),
		"RateLimit-Reset": String(allowance.resetSeconds),
		"RateLimit-Policy": `${allowance.limit};w=${allowance.windowSeconds}`,
	};
}

import type { ServerResponse } from "node:http";

/**
 * Headers every API answer carries: it is JSON for programs, so it may not be sniffed as
 * something else, framed, or leak the URL in a Referer; it is not cached unless an action says
 * so (answers hold balances and tokens). HSTS only when the operator says clients arrive over
 * TLS: on plain HTTP it would be a promise nobody keeps.
 */
export function writeSecurityHeaders(res: ServerResponse, hstsMaxAgeSeconds: number | undefined): void {
	res.setHeader("X-Content-Type-Options", "nosniff");
	res.setHeader("X-Frame-Options", "DENY");
	res.setHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
	res.setHeader("Referrer-Policy", "no-referrer");
	res.setHeader("Cache-Control", "no-store");
	if (hstsMaxAgeSeconds !== undefined) res.setHeader("Strict-Transport-Security", `max-age=${hstsMaxAgeSeconds}; includeSubDomains`);
}

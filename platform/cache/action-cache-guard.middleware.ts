import type { Middleware } from "moleculer";

/**
 * Refuses, when a service is created, an action declaring Moleculer's `cache` option:
 * Moleculer's cacher middleware is one of its internal ones, which run before the platform's,
 * so a cached answer would skip authentication, authorization and rate limits. A query caches
 * through the QueryCache inside its handler instead (ProjectionMixin's `readProjection`).
 */
export function ActionCacheGuardMiddleware(): Middleware {
	return {
		name: "ActionCacheGuard",
		localAction(next: unknown, action: { name: string; cache?: unknown }) {
			if (action.cache) {
				throw new Error(
					`Action ${action.name} declares \`cache\`, which would answer before authorization; read through the query cache instead (readProjection)`,
				);
			}
			return next;
		},
	} as Middleware;
}

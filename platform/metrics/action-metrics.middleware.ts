import type { Context, Middleware } from "moleculer";
import type { PlatformMetrics } from "./registry.ts";

/** Counts and times every local action call by action name and outcome (ok or error). */
export function ActionMetricsMiddleware(metrics: PlatformMetrics): Middleware {
	return {
		name: "ActionMetrics",
		localAction(next: (ctx: Context) => Promise<unknown>, action: { name: string }) {
			return async (ctx: Context) => {
				const stop = metrics.actionDuration.startTimer({ action: action.name });
				let outcome = "ok";
				try {
					return await next(ctx);
				} catch (err) {
					outcome = "error";
					throw err;
				} finally {
					stop({ outcome });
					metrics.actionCalls.inc({ action: action.name, outcome });
				}
			};
		},
	} as Middleware;
}

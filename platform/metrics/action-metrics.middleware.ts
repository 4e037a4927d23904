import type { Context, Middleware } from "moleculer";
import type { PlatformMetrics } from "./registry.ts";

type Outcome = "ok" | "error";

/** Counts and times every local action call by action name and outcome (ok or error). */
export function ActionMetricsMiddleware(metrics: PlatformMetrics): Middleware {
	return {
		name: "ActionMetrics",
		localAction(next: (ctx: Context) => Promise<unknown>, action: { name: string }) {
			// Built once per action rather than per call (prom-client's timer copies its labels each time).
			const labels: Record<Outcome, { action: string; outcome: Outcome }> = {
				ok: { action: action.name, outcome: "ok" },
				error: { action: action.name, outcome: "error" },
			};
			return async (ctx: Context) => {
				const started = performance.now();
				let outcome: Outcome = "ok";
				try {
					return await next(ctx);
				} catch (err) {
					outcome = "error";
					throw err;
				} finally {
					metrics.actionDuration.observe(labels[outcome], (performance.now() - started) / 1000);
					metrics.actionCalls.inc(labels[outcome]);
				}
			};
		},
	} as Middleware;
}

import type { Context, Middleware } from "moleculer";
import { activeTraceId } from "../tracing/index.ts";
import type { ErrorBus } from "./error-bus.ts";

/** Set by a gateway whose caller allowed less time than the node's request timeout; nested calls inherit it. */
export type DeadlineMeta = { callerDeadline?: true };

/** Reports every error an action on this node throws to the error bus, then rethrows it. */
export function ErrorBusMiddleware(bus: ErrorBus): Middleware {
	return {
		name: "ErrorBus",
		localAction(next: (ctx: Context) => Promise<unknown>, action: { name: string }) {
			return async (ctx: Context<unknown, DeadlineMeta>) => {
				try {
					return await next(ctx);
				} catch (err) {
					bus.report(err, {
						action: action.name,
						traceId: activeTraceId() ?? ctx.requestID ?? undefined,
						requestId: ctx.requestID ?? undefined,
						callerDeadline: ctx.meta.callerDeadline,
					});
					throw err;
				}
			};
		},
	} as Middleware;
}

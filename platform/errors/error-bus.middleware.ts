import type { Context, Middleware } from "moleculer";
import { currentRequestContext } from "../context/index.ts";
import type { ErrorBus } from "./error-bus.ts";

/** Reports every error an action on this node throws to the error bus, then rethrows it. */
export function ErrorBusMiddleware(bus: ErrorBus): Middleware {
	return {
		name: "ErrorBus",
		localAction(next: (ctx: Context) => Promise<unknown>, action: { name: string }) {
			return async (ctx: Context) => {
				try {
					return await next(ctx);
				} catch (err) {
					bus.report(err, { action: action.name, traceId: currentRequestContext()?.traceId ?? ctx.requestID ?? undefined });
					throw err;
				}
			};
		},
	} as Middleware;
}

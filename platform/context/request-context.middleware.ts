import type { Context, Middleware } from "moleculer";
import { runInRequestContext } from "./request-context.ts";

/**
 * Makes the caller's request id the trace id of everything an action does, log lines
 * included; the id travels with every call between nodes.
 */
export function RequestContextMiddleware(): Middleware {
	const wrap = (next: (ctx: Context) => Promise<unknown>, action: { name: string }) => (ctx: Context) => {
		const requestId = ctx.requestID ?? ctx.id;
		return runInRequestContext({ traceId: requestId, requestId, action: action.name }, () => next(ctx));
	};
	return { name: "RequestContext", localAction: wrap } as Middleware;
}

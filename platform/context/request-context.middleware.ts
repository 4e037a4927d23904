import type { Context, Middleware } from "moleculer";
import { activeTraceId } from "../tracing/index.ts";
import { runInRequestContext } from "./request-context.ts";

/**
 * Gives everything an action does, log lines included, the trace id of its span (W3C, the one
 * a caller's tracing knows) and the request id (the gateway's X-Request-ID); both travel with
 * every call between nodes.
 */
export function RequestContextMiddleware(): Middleware {
	const wrap = (next: (ctx: Context) => Promise<unknown>, action: { name: string }) => (ctx: Context) => {
		const requestId = ctx.requestID ?? ctx.id;
		return runInRequestContext({ traceId: activeTraceId() ?? requestId, requestId, action: action.name }, () => next(ctx));
	};
	return { name: "RequestContext", localAction: wrap } as Middleware;
}

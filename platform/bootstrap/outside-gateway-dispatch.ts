import type { Middleware } from "moleculer";

type LocalActionHook = (next: unknown, action: { rawName?: string; service?: { settings?: { routes?: unknown } } }) => unknown;

/**
 * moleculer-web serves every request through an action of its own, `<gateway>.rest`, which
 * only dispatches to the action the route names. The platform's middlewares (span, metrics,
 * error bus, request context, auth, rate limits) belong to that action, and the gateway
 * already gives the request its span and metrics; wrapping the dispatch too would do all of
 * it twice per request. This leaves the dispatch out of a middleware's `localAction`.
 */
export function outsideGatewayDispatch(middleware: Middleware): Middleware {
	const hook = (middleware as { localAction?: LocalActionHook }).localAction;
	if (!hook) return middleware;
	return {
		...middleware,
		localAction(next: unknown, action: Parameters<LocalActionHook>[1]) {
			return isGatewayDispatch(action) ? next : hook.call(this, next, action);
		},
	} as Middleware;
}

function isGatewayDispatch(action: Parameters<LocalActionHook>[1]): boolean {
	return action.rawName === "rest" && Array.isArray(action.service?.settings?.routes);
}

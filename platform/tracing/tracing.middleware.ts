import { context, propagation, SpanKind, trace } from "@opentelemetry/api";
import type { Context, Middleware } from "moleculer";
import { spansExported } from "./start-tracing.ts";
import { contextFrom, inSpan, tracer } from "./tracer.ts";

type Headers = Record<string, unknown>;

/**
 * A span per action call, child of the caller's: within a node the caller's span is the
 * active one (Moleculer calls local actions in the caller's async context); a call to
 * another node carries it as a W3C `traceparent` in the context's headers, which Moleculer
 * sends with the request and, unlike meta, never merges back into the caller. While no span
 * leaves the process, an action gets none of its own: it runs in its caller's, whose trace id
 * its log lines and errors carry, and a call from another node continues the caller's trace; a
 * call with no trace yet (the REPL, a job) still gets a span, for an id.
 */
export function TracingMiddleware(): Middleware {
	return {
		name: "Tracing",
		localAction(next: (ctx: Context) => Promise<unknown>, action: { name: string }) {
			return (ctx: Context) => {
				const remote = (ctx.headers as Headers | undefined)?.traceparent;
				if (!spansExported()) {
					if (typeof remote === "string") return context.with(contextFrom(remote), next, undefined, ctx);
					if (trace.getSpan(context.active())) return next(ctx);
				}
				const parent = typeof remote === "string" ? contextFrom(remote) : context.active();
				const span = tracer.startSpan(
					`action ${action.name}`,
					{
						kind: typeof remote === "string" ? SpanKind.SERVER : SpanKind.INTERNAL,
						attributes: { "moleculer.action": action.name, "moleculer.caller": ctx.caller ?? "", "moleculer.node": ctx.nodeID ?? "" },
					},
					parent,
				);
				return inSpan(span, parent, () => next(ctx));
			};
		},
		remoteAction(next: (ctx: Context) => Promise<unknown>) {
			return (ctx: Context) => {
				ctx.headers = { ...(ctx.headers as Headers) };
				propagation.inject(context.active(), ctx.headers);
				return next(ctx);
			};
		},
	} as Middleware;
}

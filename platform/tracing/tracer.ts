import { type Context, context, propagation, ROOT_CONTEXT, type Span, SpanStatusCode, trace } from "@opentelemetry/api";

/** The platform's tracer; until tracing starts it is a no-op that the global provider later replaces. */
export const tracer = trace.getTracer("moleculer-es-platform");

/** The trace id of the span running now, if any. */
export function activeTraceId(): string | undefined {
	const spanContext = trace.getActiveSpan()?.spanContext();
	return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/** The context a W3C `traceparent` (from a header, a Kafka record, an event's metadata) continues; the root without one. */
export function contextFrom(traceparent: string | undefined): Context {
	return traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;
}

/** The trace id a W3C `traceparent` names, read by the propagator that also continues it; none for a malformed one. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
	return trace.getSpanContext(contextFrom(traceparent))?.traceId;
}

/** The `traceparent` of the span running now, to carry it across a process boundary. */
export function activeTraceparent(): string | undefined {
	const carrier: { traceparent?: string } = {};
	propagation.inject(context.active(), carrier);
	return carrier.traceparent;
}

/** Ends a span as failed, with the error's type and message (never its stack: spans leave the node). */
export function endFailed(span: Span, err: unknown): void {
	const error = err as { name?: string; message?: string };
	span.setStatus({ code: SpanStatusCode.ERROR, message: error?.message });
	span.setAttribute("error.type", error?.name ?? "Error");
	span.end();
}

/** Runs `fn` with `span` as the active span, ending it with `fn`'s outcome. */
export async function inSpan<T>(span: Span, parent: Context, fn: () => Promise<T>): Promise<T> {
	try {
		const result = await context.with(trace.setSpan(parent, span), fn);
		span.end();
		return result;
	} catch (err) {
		endFailed(span, err);
		throw err;
	}
}

import type { IncomingMessage } from "node:http";
import { type Attributes, type Context, type Span, SpanKind, trace } from "@opentelemetry/api";
import { spansExported } from "./start-tracing.ts";
import { contextFrom, tracer } from "./tracer.ts";

/** A span's attributes, built only when it can leave the process (the SDK checks each one, recorded or not). */
const exportedOnly = (attributes: () => Attributes): Attributes | undefined => (spansExported() ? attributes() : undefined);

/**
 * The span of one HTTP request, continuing the caller's `traceparent` if it sent one. Named
 * by method until the route is known (`finishHttpSpan`), so unmatched paths do not each make
 * a span name of their own.
 */
export function startHttpSpan(req: IncomingMessage): { span: Span; context: Context } {
	const parent = contextFrom(headerOf(req, "traceparent"));
	const span = tracer.startSpan(
		`HTTP ${req.method ?? ""}`,
		{
			kind: SpanKind.SERVER,
			attributes: exportedOnly(() => ({ "http.request.method": req.method ?? "", "url.path": (req.url ?? "").split("?")[0] ?? "" })),
		},
		parent,
	);
	return { span, context: trace.setSpan(parent, span) };
}

export function finishHttpSpan(span: Span, route: string, status: number): void {
	if (span.isRecording()) {
		span.updateName(route);
		span.setAttributes({ "http.route": route, "http.response.status_code": status });
		if (status >= 500) span.setStatus({ code: 2 });
	}
	span.end();
}

/** The span of one gRPC call, continuing the caller's `traceparent` metadata if it sent one. */
export function startRpcSpan(path: string, traceparent: string | undefined): { span: Span; context: Context } {
	const parent = contextFrom(traceparent);
	const [service, method] = path.slice(1).split("/");
	const span = tracer.startSpan(
		path.slice(1),
		{
			kind: SpanKind.SERVER,
			attributes: exportedOnly(() => ({ "rpc.system": "grpc", "rpc.service": service ?? "", "rpc.method": method ?? "" })),
		},
		parent,
	);
	return { span, context: trace.setSpan(parent, span) };
}

/**
 * W3C Trace Context's `traceresponse`: the trace and span the server recorded the request
 * under, so a caller can quote them (error bodies carry the trace id too).
 */
export function traceresponseOf(span: Span): string {
	const { traceId, spanId, traceFlags } = span.spanContext();
	return `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, "0")}`;
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
	const value = req.headers[name];
	return Array.isArray(value) ? value[0] : value;
}

import { createServer, type Server } from "node:http";
import { gunzipSync } from "node:zlib";

/** A span as an OTLP/JSON export carries it, ids as hex. */
export type ReceivedSpan = { traceId: string; spanId: string; parentSpanId: string; name: string; kind: number };

/**
 * A local stand-in for an OpenTelemetry collector (OTLP/HTTP JSON at /v1/traces) and for
 * Sentry (envelopes at /api/<project>/envelope/), keeping what arrives for the test to read.
 */
export async function startTelemetryReceiver() {
	const spans: ReceivedSpan[] = [];
	const envelopes: string[] = [];
	const server: Server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on("data", (chunk: Buffer) => chunks.push(chunk));
		req.on("end", () => {
			const raw = Buffer.concat(chunks);
			const body = (req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw).toString("utf8");
			if (req.url?.startsWith("/v1/traces")) spans.push(...spansOf(JSON.parse(body)));
			else if (req.url?.includes("/envelope/")) envelopes.push(body);
			res.writeHead(200, { "content-type": "application/json" });
			res.end("{}");
		});
	});
	const port = await new Promise<number>((resolve) =>
		server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)),
	);
	return {
		port,
		spans,
		envelopes,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

type OtlpSpan = { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number };
type OtlpExport = { resourceSpans?: { scopeSpans?: { spans?: OtlpSpan[] }[] }[] };

function spansOf(payload: OtlpExport): ReceivedSpan[] {
	return (payload.resourceSpans ?? []).flatMap((r) =>
		(r.scopeSpans ?? []).flatMap((s) =>
			(s.spans ?? []).map((span) => ({
				traceId: hex(span.traceId),
				spanId: hex(span.spanId),
				parentSpanId: span.parentSpanId ? hex(span.parentSpanId) : "",
				name: span.name,
				kind: span.kind,
			})),
		),
	);
}

/** OTLP/JSON ids are hex; some exporters send base64. */
function hex(id: string): string {
	return /^[0-9a-f]+$/.test(id) ? id : Buffer.from(id, "base64").toString("hex");
}

import { type Span, SpanKind, trace } from "@opentelemetry/api";
import pg from "pg";
import { endFailed, tracer } from "./tracer.ts";

/** Long statements are cut: a span attribute is for recognising a query, not storing it. */
const MAX_STATEMENT_CHARS = 2_000;

// biome-ignore lint/suspicious/noExplicitAny: pg's query is a set of overloads; this forwards whichever was called.
type QueryArgs = any[];
type Callback = (err: Error | null, result?: unknown) => void;

/**
 * pg's Client with a span per query, given to the pool through its `Client` option (pg's own
 * extension point). Only inside a recorded trace: a query outside one costs a lookup. Spans
 * carry the statement as written (parameters stay out: values may be personal data). Both
 * forms are covered: promises (our code) and callbacks (how pg.Pool#query calls its client).
 */
export class TracedPgClient extends pg.Client {
	// biome-ignore lint/suspicious/noExplicitAny: as QueryArgs.
	override query(...args: QueryArgs): any {
		const first = args[0] as { submit?: unknown; text?: unknown } | string;
		const forward = () => (super.query as (...a: QueryArgs) => unknown)(...args);
		const streamed = typeof first === "object" && typeof first?.submit === "function";
		if (streamed || !trace.getActiveSpan()?.isRecording()) return forward();
		const span = querySpan(typeof first === "string" ? first : String(first?.text ?? ""));
		const last = args.at(-1);
		if (typeof last === "function") {
			args[args.length - 1] = ((err, result) => {
				if (err) endFailed(span, err);
				else span.end();
				(last as Callback)(err, result);
			}) satisfies Callback;
			return forward();
		}
		return (forward() as Promise<unknown>).then(
			(result) => {
				span.end();
				return result;
			},
			(err: unknown) => {
				endFailed(span, err);
				throw err;
			},
		);
	}
}

function querySpan(text: string): Span {
	return tracer.startSpan("pg.query", {
		kind: SpanKind.CLIENT,
		attributes: { "db.system.name": "postgresql", "db.query.text": text.slice(0, MAX_STATEMENT_CHARS) },
	});
}

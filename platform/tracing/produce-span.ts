import { type Span, SpanKind } from "@opentelemetry/api";
import type { EventEnvelope } from "../eventbus/index.ts";
import { spansExported } from "./start-tracing.ts";
import { contextFrom, tracer } from "./tracer.ts";

/** A span for the relay sending one event to Kafka, in the trace of the request that appended it; none unless spans are exported. */
export function produceSpan(event: EventEnvelope, topic: string): Span | undefined {
	if (!spansExported()) return undefined;
	return tracer.startSpan(
		`${topic} publish`,
		{
			kind: SpanKind.PRODUCER,
			attributes: {
				"messaging.system": "kafka",
				"messaging.operation.type": "send",
				"messaging.destination.name": topic,
				"messaging.message.id": event.id,
				"event.position": event.position,
			},
		},
		contextFrom(event.metadata.traceparent),
	);
}

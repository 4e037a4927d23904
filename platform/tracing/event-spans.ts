import { type Span, SpanKind } from "@opentelemetry/api";
import type { EventEnvelope } from "../eventbus/index.ts";
import { contextFrom, tracer } from "./tracer.ts";

/**
 * A span for one event as a consumer handles it, in the trace of the request whose command
 * appended it (the `traceparent` of its metadata, which travelled as a Kafka header).
 */
export function consumeSpan(event: EventEnvelope, group: string): { span: Span; parent: ReturnType<typeof contextFrom> } {
	const parent = contextFrom(event.metadata.traceparent);
	const span = tracer.startSpan(
		`${group} process ${event.type}`,
		{
			kind: SpanKind.CONSUMER,
			attributes: {
				"messaging.system": "kafka",
				"messaging.operation.type": "process",
				"messaging.consumer.group.name": group,
				"messaging.message.id": event.id,
				"event.position": event.position,
				"event.stream": event.streamId,
			},
		},
		parent,
	);
	return { span, parent };
}

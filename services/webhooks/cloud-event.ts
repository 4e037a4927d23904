import { cloudEventSource, type EventEnvelope } from "../../platform/eventbus/index.ts";

/**
 * An event in the CloudEvents JSON format (structured mode), as webhooks send it: the same
 * attributes and extensions the Kafka records carry in their ce_ headers.
 */
export function toCloudEvent(event: EventEnvelope): Record<string, unknown> {
	return {
		specversion: "1.0",
		id: event.id,
		source: cloudEventSource(event.type),
		type: event.type,
		subject: event.streamId,
		time: event.recordedAt.toISOString(),
		datacontenttype: "application/json",
		schemaversion: event.schemaVersion,
		streamversion: event.version,
		position: event.position,
		...(event.metadata.correlationId ? { correlationid: event.metadata.correlationId } : {}),
		data: event.data,
	};
}

import type { IHeaders, Message } from "kafkajs";
import type { EventMetadata, RecordedEvent } from "../eventstore/index.ts";

/** An event as it travels on Kafka, decoded back from a record (data not yet checked against its contract). */
export type EventEnvelope = Omit<RecordedEvent, "transactionId">;

/** ce_source of every record; the module comes from the event type. */
const SOURCE_PREFIX = "urn:platform:";

/** The CloudEvents `source` of an event: the module that owns its type. */
export function cloudEventSource(type: string): string {
	return `${SOURCE_PREFIX}${type.split(".")[0]}`;
}

/**
 * An event as a Kafka record in the CloudEvents Kafka protocol binding, binary mode: the
 * value is the JSON payload, the attributes are `ce_` headers, the key is the stream id (one
 * stream stays on one partition, in order). Our extensions: schemaversion, streamversion,
 * position, userid, correlationid, causationid; `traceparent` is W3C trace context.
 */
export function toKafkaMessage(event: RecordedEvent): Message {
	const headers: IHeaders = {
		ce_specversion: "1.0",
		ce_id: event.id,
		ce_type: event.type,
		ce_source: cloudEventSource(event.type),
		ce_time: event.recordedAt.toISOString(),
		ce_subject: event.streamId,
		"content-type": "application/json",
		ce_schemaversion: String(event.schemaVersion),
		ce_streamversion: String(event.version),
		ce_position: String(event.position),
	};
	const { traceparent, userId, correlationId, causationId } = event.metadata;
	if (traceparent) headers.traceparent = traceparent;
	if (userId) headers.ce_userid = userId;
	if (correlationId) headers.ce_correlationid = correlationId;
	if (causationId) headers.ce_causationid = causationId;
	return { key: event.streamId, value: JSON.stringify(event.data), headers };
}

/** Reads a record written by `toKafkaMessage`; throws when a required header is missing. */
export function fromKafkaMessage(message: { key: Buffer | null; value: Buffer | null; headers?: IHeaders }): EventEnvelope {
	const header = (name: string): string | undefined => {
		const raw = message.headers?.[name];
		const value = Array.isArray(raw) ? raw[0] : raw;
		return value === undefined ? undefined : value.toString();
	};
	const required = (name: string): string => {
		const value = header(name);
		if (value === undefined) throw new Error(`record has no ${name} header`);
		return value;
	};
	const metadata: EventMetadata = {};
	const optional = {
		traceparent: "traceparent",
		userId: "ce_userid",
		correlationId: "ce_correlationid",
		causationId: "ce_causationid",
	} as const;
	for (const [field, name] of Object.entries(optional)) {
		const value = header(name);
		if (value !== undefined) metadata[field as keyof EventMetadata] = value;
	}
	return {
		id: required("ce_id"),
		type: required("ce_type"),
		streamId: required("ce_subject"),
		schemaVersion: Number(required("ce_schemaversion")),
		version: Number(required("ce_streamversion")),
		position: Number(required("ce_position")),
		recordedAt: new Date(required("ce_time")),
		data: message.value === null ? null : JSON.parse(message.value.toString()),
		metadata,
	};
}

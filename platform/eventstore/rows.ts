import type { Checkpoint, EventMetadata, RecordedEvent } from "./types.ts";

/**
 * The columns every read selects, in the shape `toRecordedEvent` expects. The transaction id
 * comes out as text (a JavaScript number cannot hold every xid8), under the column's own
 * name: a query that orders by it must name the column as `events.transaction_id`.
 */
export const EVENT_COLUMNS = `global_position, stream_id, stream_version, event_id, type, schema_version, data, metadata,
  transaction_id::text AS transaction_id, recorded_at`;

export type EventRow = {
	global_position: string;
	stream_id: string;
	stream_version: number;
	event_id: string;
	type: string;
	schema_version: number;
	data: unknown;
	metadata: EventMetadata;
	transaction_id: string;
	recorded_at: Date;
};

export function toRecordedEvent(row: EventRow): RecordedEvent {
	return {
		position: Number(row.global_position),
		streamId: row.stream_id,
		version: row.stream_version,
		id: row.event_id,
		type: row.type,
		schemaVersion: row.schema_version,
		data: row.data,
		metadata: row.metadata,
		transactionId: row.transaction_id,
		recordedAt: row.recorded_at,
	};
}

/** The checkpoint just past `event` in commit order. */
export function checkpointOf(event: RecordedEvent): Checkpoint {
	return { transactionId: event.transactionId, position: event.position };
}

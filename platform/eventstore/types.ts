/** What travels with an event besides its data; propagated from command to event to consumer. */
export type EventMetadata = {
	traceparent?: string;
	userId?: string;
	correlationId?: string;
	causationId?: string;
};

/** An event as a command produces it, before it has a place in the store. */
export type NewEvent = {
	type: string;
	schemaVersion: number;
	data: unknown;
	metadata?: EventMetadata;
	/** Given by the caller when it must be known before the append; random otherwise. */
	id?: string;
};

/** An event as stored: its stream version, global position and commit order. */
export type RecordedEvent = {
	position: number;
	streamId: string;
	version: number;
	id: string;
	type: string;
	schemaVersion: number;
	data: unknown;
	metadata: EventMetadata;
	/** xid8 of the appending transaction, as a decimal string (it is 64 bits wide). */
	transactionId: string;
	recordedAt: Date;
};

/**
 * What an append expects the stream to look like: any state, not existing yet, or exactly
 * at a version (the version the command's decision was based on).
 */
export type ExpectedVersion = "any" | "no-stream" | number;

/** The outcome of an append: where the stream now stands and where its last event landed. */
export type AppendResult = {
	streamId: string;
	version: number;
	position: number;
	transactionId: string;
};

/**
 * A place in the whole store's commit order. Positions are taken before commit, so the order
 * that never skips a late commit is (transactionId, position), not position alone.
 */
export type Checkpoint = { transactionId: string; position: number };

export const START: Checkpoint = { transactionId: "0", position: 0 };

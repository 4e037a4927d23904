import type { EventEnvelope } from "./kafka-record.ts";

/** Where a consumer's events go: a projection's tables, a process manager's commands. */
export type EventSink = {
	/** All of a batch at once (one transaction for a projection); on failure each event is tried alone. */
	applyBatch(events: EventEnvelope[]): Promise<void>;
	applyOne(event: EventEnvelope): Promise<void>;
	/** Records an event that failed its last attempt (with Kafka, it is also on the dead-letter topic). */
	parked(event: EventEnvelope | undefined, error: Error, attempts: number): Promise<void>;
};

/**
 * A consumer group feeding a sink: on Kafka (the servers profile) or on the event store
 * itself (the embedded profile). Both deliver at least once, in each stream's order.
 */
export type EventConsumer = {
	readonly group: string;
	/**
	 * Joins and starts consuming in the background; `stop()` at any point ends it. `onGaveUp`
	 * hears of a group that stopped for good on an error, so the caller can start it afresh.
	 */
	start(onGaveUp: (error: Error) => void): Promise<void>;
	/** Finishes the batch in hand, saves its place and leaves. */
	stop(): Promise<void>;
};

import { type Checkpoint, checkpointOf, type EventStore, type RecordedEvent } from "../eventstore/index.ts";

const same = (a: Checkpoint, b: Checkpoint) => a.transactionId === b.transactionId && a.position === b.position;

/**
 * Reads the relay's next batch while the current one is on its way to Kafka. After a full
 * batch it starts reading from that batch's end; the relay's next read from there takes the
 * result. A read from anywhere else (after a failure, the relay starts again from its stored
 * checkpoint) discards it. Reading early is safe: a read returns only events below the oldest
 * transaction in flight, so an early one returns fewer, never skips any.
 */
export class ReadAhead {
	readonly #store: Pick<EventStore, "readAll">;
	#next: { from: Checkpoint; events: Promise<RecordedEvent[]> } | undefined;

	constructor(store: Pick<EventStore, "readAll">) {
		this.#store = store;
	}

	async readAll(from: Checkpoint, limit: number): Promise<RecordedEvent[]> {
		const ahead = this.#next && same(this.#next.from, from) ? this.#next.events : undefined;
		this.#next = undefined;
		const events = await (ahead ?? this.#store.readAll(from, limit));
		const last = events.at(-1);
		if (last && events.length === limit) {
			const from = checkpointOf(last);
			const next = { from, events: this.#store.readAll(from, limit) };
			// Awaited by the next read, or dropped: either way not an unhandled rejection.
			next.events.catch(() => undefined);
			this.#next = next;
		}
		return events;
	}
}

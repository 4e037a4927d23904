import type pg from "pg";
import type { Logger } from "pino";
import { type EventCatalog, moduleOfType, topicOfModule } from "../contracts/index.ts";
import { type Checkpoint, checkpointOf, type EventStore, type RecordedEvent, START } from "../eventstore/index.ts";
import { consumeSpan, endFailed, spansExported } from "../tracing/index.ts";
import { applyWithRetries } from "./apply-with-retries.ts";
import type { EventConsumer, EventSink } from "./consumer.ts";
import type { ConsumerMetrics } from "./consumer-metrics.ts";
import type { EventEnvelope } from "./kafka-record.ts";

export type StoreConsumerOptions = {
	group: string;
	/** The module topics it follows (`<module>.events`), as declared. */
	topics: string[];
	pool: pg.Pool;
	store: EventStore;
	catalog: EventCatalog;
	sink: EventSink;
	maxAttempts: number;
	retryBaseMs: number;
	batchSize: number;
	/** How long an idle group waits for new events when nothing woke it. */
	pollIntervalMs: number;
	/** Subscribes to "events were appended" in this process; returns the unsubscribe. */
	onAppended: (listener: () => void) => () => void;
	logger: Logger;
	metrics: ConsumerMetrics;
};

/** The event store read as one partition, for the lag metric's labels. */
const STORE_TOPIC = "event-store";

/**
 * A consumer group of the embedded profile: it reads the event store itself in commit order
 * instead of a Kafka topic, and keeps its place in `event_bus_offsets`. What it hands the sink
 * and how it fails are those of the Kafka consumer: batches, then one by one with backoff,
 * then parked (recorded by the sink; there is no dead-letter topic to publish to). The place
 * moves after the sink applied, so a crash in between delivers again, which the inbox ignores.
 */
export class StoreEventConsumer implements EventConsumer {
	readonly #options: StoreConsumerOptions;
	readonly #topics: Set<string>;
	#running = false;
	#loop: Promise<void> = Promise.resolve();
	#wake: (() => void) | undefined;
	/** Appends happened since the last read: the next read comes at once, even if they came mid-batch. */
	#appended = false;
	#unsubscribe: (() => void) | undefined;

	constructor(options: StoreConsumerOptions) {
		this.#options = options;
		this.#topics = new Set(options.topics);
	}

	get group(): string {
		return this.#options.group;
	}

	async start(): Promise<void> {
		const from = await this.#readOffset();
		this.#running = true;
		this.#unsubscribe = this.#options.onAppended(() => {
			this.#appended = true;
			this.#wake?.();
		});
		this.#loop = this.#follow(from).catch((err: unknown) => this.#options.logger.error({ err }, "event bus group stopped"));
	}

	/** Finishes the batch in hand (its place is saved) and stops. */
	async stop(): Promise<void> {
		this.#running = false;
		this.#unsubscribe?.();
		this.#wake?.();
		await this.#loop;
	}

	async #follow(from: Checkpoint): Promise<void> {
		const { store, batchSize, pollIntervalMs, logger } = this.#options;
		let at = from;
		while (this.#running) {
			let events: RecordedEvent[];
			this.#appended = false;
			try {
				events = await store.readAll(at, batchSize);
				const last = events.at(-1);
				if (last) {
					await this.#deliver(events.filter((e) => this.#follows(e)));
					at = checkpointOf(last);
					await this.#saveOffset(at);
					this.#reportLag(at, events.length < batchSize);
				}
			} catch (err) {
				// The database is away or refused the offset: the same batch is read again.
				logger.warn({ err }, "event bus group failed to read or save its place; retrying");
				events = [];
			}
			if (events.length < batchSize && this.#running) await this.#idle(pollIntervalMs);
		}
	}

	#follows(event: RecordedEvent): boolean {
		return this.#topics.has(topicOfModule(moduleOfType(event.type)));
	}

	async #deliver(recorded: RecordedEvent[]): Promise<void> {
		const { sink, group, metrics } = this.#options;
		const events: EventEnvelope[] = [];
		for (const e of recorded) {
			const event = await this.#decode(e);
			if (event) events.push(event);
		}
		if (events.length === 0) return;
		const spans = spansExported() ? events.map((event) => consumeSpan(event, group).span) : [];
		try {
			await sink.applyBatch(events);
			for (const span of spans) span.end();
			metrics.events.inc({ group, outcome: "applied" }, events.length);
		} catch (err) {
			for (const span of spans) endFailed(span, err);
			this.#options.logger.warn({ err, count: events.length }, "batch failed; applying its events one by one");
			for (const event of events) await applyWithRetries(event, this.#options, (error, attempts) => this.#park(event, error, attempts));
		}
	}

	/** The event upcast to its current contract; none when nobody declared its type or its payload breaks its contract. */
	async #decode(recorded: RecordedEvent): Promise<EventEnvelope | undefined> {
		const { catalog, group, metrics, logger } = this.#options;
		const { transactionId: _, ...event } = recorded;
		if (!catalog.has(event.type)) {
			logger.warn({ type: event.type, position: event.position }, "skipping event of unknown type");
			metrics.events.inc({ group, outcome: "unknown_type" });
			return undefined;
		}
		try {
			return { ...event, data: catalog.decode(event.type, event.schemaVersion, event.data).data };
		} catch (err) {
			await this.#park(event, err as Error, 1);
			return undefined;
		}
	}

	async #park(event: EventEnvelope, error: Error, attempts: number): Promise<void> {
		const { group, sink, logger, metrics } = this.#options;
		logger.error({ err: error, eventId: event.id, position: event.position, attempts }, "event parked");
		await sink.parked(event, error, attempts);
		metrics.events.inc({ group, outcome: "dead_lettered" });
	}

	#idle(ms: number): Promise<void> {
		if (this.#appended) return Promise.resolve();
		return new Promise((resolve) => {
			const timer = setTimeout(done, ms);
			function done() {
				clearTimeout(timer);
				resolve();
			}
			this.#wake = done;
		});
	}

	/**
	 * Events stored beyond the group's place. A read that came back short reached everything
	 * committed (0, no query); after a full one, the store's head says how far behind it is.
	 */
	#reportLag(at: Checkpoint, caughtUp: boolean): void {
		const { store, metrics, group } = this.#options;
		const labels = { group, topic: STORE_TOPIC, partition: "0" };
		if (caughtUp) return void metrics.lag.set(labels, 0);
		store.head().then(
			(head) => metrics.lag.set(labels, Math.max(0, head.position - at.position)),
			() => undefined,
		);
	}

	async #readOffset(): Promise<Checkpoint> {
		const { rows } = await this.#options.pool.query<{ transaction_id: string; position: string }>(
			"SELECT transaction_id::text AS transaction_id, position FROM event_bus_offsets WHERE group_name = $1",
			[this.#options.group],
		);
		const row = rows[0];
		return row ? { transactionId: row.transaction_id, position: Number(row.position) } : START;
	}

	async #saveOffset(at: Checkpoint): Promise<void> {
		await this.#options.pool.query(
			`INSERT INTO event_bus_offsets (group_name, transaction_id, position) VALUES ($1, $2::xid8, $3)
			 ON CONFLICT (group_name) DO UPDATE SET transaction_id = EXCLUDED.transaction_id, position = EXCLUDED.position, updated_at = now()`,
			[this.#options.group, at.transactionId, at.position],
		);
	}
}

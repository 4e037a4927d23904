import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from "kafkajs";
import type { Logger } from "pino";
import type { EventCatalog } from "../contracts/index.ts";
import { deadLetterTopicOf } from "../relay/index.ts";
import { consumeSpan, endFailed, spansExported } from "../tracing/index.ts";
import { applyWithRetries } from "./apply-with-retries.ts";
import type { EventConsumer, EventSink } from "./consumer.ts";
import type { ConsumerMetrics } from "./consumer-metrics.ts";
import { type EventEnvelope, fromKafkaMessage } from "./kafka-record.ts";

export type KafkaConsumerOptions = {
	group: string;
	topics: string[];
	kafka: Kafka;
	/** Sends dead letters; shared by the node's consumers. */
	producer: Producer;
	/** Creates the topics (and their dead-letter topics) if missing, before subscribing. */
	ensureTopics: () => Promise<unknown>;
	catalog: EventCatalog;
	sink: EventSink;
	maxAttempts: number;
	retryBaseMs: number;
	/** Offsets are committed at most this often (and when the group stops or rebalances). */
	commitIntervalMs: number;
	/** Partition batches applied at once; one partition's batches stay in order. */
	partitionsConcurrently: number;
	/** Bound to the group, which every line then names. */
	logger: Logger;
	metrics: ConsumerMetrics;
};

/** A record that could not even be decoded, or whose payload breaks its contract: never retried. */
class PoisonRecord extends Error {}

/**
 * A Kafka consumer group that feeds decoded events to a sink, batch by batch. A failing
 * event is retried with exponential backoff, then published to `<topic>.dlq` with the error,
 * the group and the attempts in its headers, and the group moves on; it never stops.
 */
export class KafkaEventConsumer implements EventConsumer {
	readonly #options: KafkaConsumerOptions;
	#consumer: Consumer | undefined;

	constructor(options: KafkaConsumerOptions) {
		this.#options = options;
	}

	get group(): string {
		return this.#options.group;
	}

	/**
	 * Joins the group and starts consuming; `stop()` at any point (even while joining) ends it.
	 * kafkajs restarts a group that crashes on a retriable error by itself; `onGaveUp` hears of
	 * one it will not restart (its client is already disconnected), so the caller can start
	 * the group afresh.
	 */
	async start(onGaveUp: (error: Error) => void): Promise<void> {
		const consumer = this.#options.kafka.consumer({
			groupId: this.#options.group,
			allowAutoTopicCreation: false,
			// A fetch waits at most this long for records; stopping waits for the fetch in hand,
			// so kafkajs's 5 s default would hold every shutdown for 5 s.
			maxWaitTimeInMs: 500,
		});
		this.#consumer = consumer;
		consumer.on(consumer.events.CRASH, ({ payload }) => {
			this.#options.logger.warn({ err: payload.error, restart: payload.restart }, "consumer group crashed");
			if (!payload.restart) onGaveUp(payload.error);
		});
		await this.#options.ensureTopics();
		await this.#options.producer.connect();
		await consumer.connect();
		await consumer.subscribe({ topics: this.#options.topics, fromBeginning: true });
		await consumer.run({
			eachBatchAutoResolve: false,
			autoCommit: true,
			// kafkajs as patched (patches/kafkajs+2.2.4.patch) commits on this interval instead of
			// after every batch, each of which waits on the group coordinator.
			autoCommitInterval: this.#options.commitIntervalMs,
			partitionsConsumedConcurrently: this.#options.partitionsConcurrently,
			eachBatch: (payload) => this.#eachBatch(payload),
		});
	}

	/** Finishes the batch in hand, commits its offsets and leaves the group. */
	async stop(): Promise<void> {
		await this.#consumer?.disconnect();
	}

	async #eachBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload): Promise<void> {
		const { group, metrics } = this.#options;
		const decoded: { event: EventEnvelope; message: KafkaMessage }[] = [];
		for (const message of batch.messages) {
			const event = await this.#decode(batch.topic, batch.partition, message);
			if (event) decoded.push({ event, message });
		}
		const events = decoded.map((d) => d.event);
		if (events.length > 0) {
			// One span per event, each in its own request's trace, though one transaction applies them all.
			const spans = spansExported() ? events.map((event) => consumeSpan(event, group).span) : [];
			try {
				await this.#options.sink.applyBatch(events);
				for (const span of spans) span.end();
				metrics.events.inc({ group, outcome: "applied" }, events.length);
			} catch (err) {
				for (const span of spans) endFailed(span, err);
				this.#options.logger.warn({ err, count: events.length }, "batch failed; applying its events one by one");
				for (const { event, message } of decoded) {
					if (!isRunning() || isStale()) return;
					await applyWithRetries(event, this.#options, (error, attempts) =>
						this.#deadLetter(batch.topic, batch.partition, message, event, error, attempts),
					);
					resolveOffset(message.offset);
					await heartbeat();
				}
			}
		}
		const last = batch.messages.at(-1);
		if (last) resolveOffset(last.offset);
		metrics.lag.set({ group, topic: batch.topic, partition: String(batch.partition) }, Number(batch.offsetLag()));
		await commitOffsetsIfNecessary();
		await heartbeat();
	}

	/** The event of a record, or undefined when it was dead-lettered or is of a type nobody declared. */
	async #decode(topic: string, partition: number, message: KafkaMessage): Promise<EventEnvelope | undefined> {
		let envelope: EventEnvelope | undefined;
		try {
			envelope = fromKafkaMessage(message);
			if (!this.#options.catalog.has(envelope.type)) {
				this.#options.logger.warn({ type: envelope.type, topic, offset: message.offset }, "skipping event of unknown type");
				this.#options.metrics.events.inc({ group: this.#options.group, outcome: "unknown_type" });
				return undefined;
			}
			const { data } = this.#options.catalog.decode(envelope.type, envelope.schemaVersion, envelope.data);
			return { ...envelope, data };
		} catch (err) {
			await this.#deadLetter(topic, partition, message, envelope, new PoisonRecord((err as Error).message), 1);
			return undefined;
		}
	}

	async #deadLetter(
		topic: string,
		partition: number,
		message: KafkaMessage,
		event: EventEnvelope | undefined,
		error: Error,
		attempts: number,
	) {
		const { group, producer, sink, logger, metrics } = this.#options;
		logger.error({ err: error, topic, partition, offset: message.offset, eventId: event?.id, attempts }, "event dead-lettered");
		await producer.send({
			topic: deadLetterTopicOf(topic),
			messages: [
				{
					key: message.key,
					value: message.value,
					headers: {
						...message.headers,
						dlq_error: error.message,
						dlq_group: group,
						dlq_attempts: String(attempts),
						dlq_topic: topic,
						dlq_partition: String(partition),
						dlq_offset: message.offset,
					},
				},
			],
		});
		await sink.parked(event, error, attempts);
		metrics.events.inc({ group, outcome: "dead_lettered" });
	}
}

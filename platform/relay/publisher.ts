import type { Kafka, Message, Producer, TopicMessages } from "kafkajs";
import type { Logger } from "pino";
import { moduleOfType, topicOfModule } from "../contracts/event-contract.ts";
import { toKafkaMessage } from "../eventbus/kafka-record.ts";
import type { RecordedEvent } from "../eventstore/index.ts";
import { ensureTopics, type TopicSettings, withDeadLetterTopics } from "./topics.ts";

/** The topic an event is published to: its module's, from the `<module>.` prefix of its type. */
export function topicOfEvent(event: Pick<RecordedEvent, "type">): string {
	return topicOfModule(moduleOfType(event.type));
}

/**
 * A batch as kafkajs topic messages: one entry per topic, each keeping the batch's (commit)
 * order. `topicPrefix` (events.topicPrefix) goes before every topic name.
 */
export function toTopicMessages(events: readonly RecordedEvent[], topicPrefix = ""): TopicMessages[] {
	const byTopic = new Map<string, Message[]>();
	for (const event of events) {
		const topic = `${topicPrefix}${topicOfEvent(event)}`;
		const messages = byTopic.get(topic);
		if (messages) messages.push(toKafkaMessage(event));
		else byTopic.set(topic, [toKafkaMessage(event)]);
	}
	return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

/**
 * Idempotent, acks from all in-sync replicas, one request in flight per broker: a retried
 * request is neither duplicated nor overtaken, so a stream's records keep their order.
 * Retries are bounded (kafkajs would retry an idempotent producer forever) so that an outage
 * reaches the relay, which logs it, backs off and sends the batch again from its checkpoint.
 */
const PRODUCER_OPTIONS = { idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, retry: { retries: 5 } };

/** The relay's Kafka side: sends batches to their module topics, creating a topic the first time it is needed. */
export class Publisher {
	readonly #kafka: Kafka;
	readonly #settings: TopicSettings;
	readonly #logger: Logger;
	#producer: Producer;
	readonly #ensured = new Set<string>();
	#connected = false;

	constructor(kafka: Kafka, settings: TopicSettings, logger: Logger) {
		this.#kafka = kafka;
		this.#settings = settings;
		this.#logger = logger;
		this.#producer = kafka.producer(PRODUCER_OPTIONS);
	}

	/** Creates the missing ones of `topics` (each with its dead-letter topic), once per publisher. */
	async ensure(topics: Iterable<string>): Promise<void> {
		const wanted = withDeadLetterTopics(topics).filter((topic) => !this.#ensured.has(topic));
		if (wanted.length === 0) return;
		const created = await ensureTopics(this.#kafka, wanted, this.#settings);
		if (created.length > 0) this.#logger.info({ topics: created }, "created topics");
		for (const topic of wanted) this.#ensured.add(topic);
	}

	/**
	 * Resolves once Kafka acknowledged every record of `batch`; rejects if any was not. After
	 * a failure the producer is replaced: an idempotent producer's sequence numbers may no
	 * longer match the broker's (after a broker crash every send then fails with
	 * OUT_OF_ORDER_SEQUENCE_NUMBER), and the relay sends the batch again anyway. A new
	 * producer id can write records a second time; consumers' inboxes make that harmless.
	 */
	async send(batch: readonly TopicMessages[]): Promise<void> {
		if (!this.#connected) {
			await this.#producer.connect();
			this.#connected = true;
		}
		await this.ensure(batch.map((t) => t.topic));
		try {
			await this.#producer.sendBatch({ acks: -1, topicMessages: [...batch] });
		} catch (err) {
			await this.#replaceProducer();
			throw err;
		}
	}

	async #replaceProducer(): Promise<void> {
		const failed = this.#producer;
		this.#producer = this.#kafka.producer(PRODUCER_OPTIONS);
		this.#connected = false;
		await failed.disconnect().catch((err: unknown) => this.#logger.debug({ err }, "failed relay producer did not disconnect cleanly"));
	}

	async close(): Promise<void> {
		this.#connected = false;
		await this.#producer.disconnect();
	}
}

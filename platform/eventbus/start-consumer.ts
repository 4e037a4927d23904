import type { Platform } from "../bootstrap/index.ts";
import { ensureTopics, withDeadLetterTopics } from "../relay/index.ts";
import { consumerMetricsOf } from "./consumer-metrics.ts";
import { EventConsumer, type EventSink } from "./event-consumer.ts";

/**
 * Starts a consumer group on the node's Kafka client, creating its topics and their
 * dead-letter topics first. Group and topics are named as declared, behind events.topicPrefix.
 */
export async function startEventConsumer(
	platform: Platform,
	group: string,
	declaredTopics: string[],
	sink: EventSink,
): Promise<EventConsumer> {
	const { kafka, eventCatalog, deadLetterProducer, config } = platform.container.awilix.cradle;
	const prefix = config.events.topicPrefix;
	const topics = declaredTopics.map((topic) => `${prefix}${topic}`);
	await ensureTopics(kafka, withDeadLetterTopics(topics), config.events);
	await deadLetterProducer.connect();
	const consumer = new EventConsumer({
		group: `${prefix}${group}`,
		topics,
		kafka,
		producer: deadLetterProducer,
		catalog: eventCatalog,
		sink,
		maxAttempts: config.events.projections.maxAttempts,
		retryBaseMs: config.events.projections.retryBaseMs,
		logger: platform.logger.child({ mod: "consumer", group }),
		metrics: consumerMetricsOf(platform.metrics.registry),
	});
	await consumer.start();
	return consumer;
}

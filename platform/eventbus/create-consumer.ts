import type { Platform } from "../bootstrap/index.ts";
import { ensureTopics, withDeadLetterTopics } from "../relay/index.ts";
import { consumerMetricsOf } from "./consumer-metrics.ts";
import type { EventConsumer, EventSink } from "./consumer.ts";
import { KafkaEventConsumer } from "./kafka-consumer.ts";
import { kafkaNames } from "./kafka-names.ts";

/**
 * A consumer group on the node's Kafka client, not started yet; starting creates its topics
 * and their dead-letter topics first. Group and topics are named as declared, behind
 * events.topicPrefix.
 */
export function createEventConsumer(platform: Platform, group: string, declaredTopics: string[], sink: EventSink): EventConsumer {
	const { kafka, eventCatalog, deadLetterProducer, config } = platform.container.awilix.cradle;
	const names = kafkaNames(config.events.topicPrefix, group, declaredTopics);
	const { topics } = names;
	return new KafkaEventConsumer({
		group: names.group,
		topics,
		kafka,
		producer: deadLetterProducer,
		ensureTopics: () => ensureTopics(kafka, withDeadLetterTopics(topics), config.events),
		catalog: eventCatalog,
		sink,
		maxAttempts: config.events.projections.maxAttempts,
		retryBaseMs: config.events.projections.retryBaseMs,
		commitIntervalMs: config.events.projections.commitIntervalMs,
		partitionsConcurrently: config.events.projections.partitionsConcurrently,
		logger: platform.logger.child({ mod: "consumer", group: names.group }),
		metrics: consumerMetricsOf(platform.metrics.registry),
	});
}

import type { Platform } from "../bootstrap/index.ts";
import { ensureTopics, withDeadLetterTopics } from "../relay/index.ts";
import type { EventConsumer, EventSink } from "./consumer.ts";
import { consumerMetricsOf } from "./consumer-metrics.ts";
import { KafkaEventConsumer } from "./kafka-consumer.ts";
import { kafkaNames } from "./kafka-names.ts";
import { StoreEventConsumer } from "./store-consumer.ts";

/**
 * A consumer group of this node, not started yet: on Kafka in the servers profile (starting
 * creates its topics and their dead-letter topics first; group and topics are named as
 * declared, behind events.topicPrefix), on the event store in the embedded profile.
 */
export function createEventConsumer(platform: Platform, group: string, declaredTopics: string[], sink: EventSink): EventConsumer {
	const { config } = platform;
	const cradle = platform.container.awilix.cradle;
	const settings = config.events.projections;
	const common = {
		catalog: cradle.eventCatalog,
		sink,
		maxAttempts: settings.maxAttempts,
		retryBaseMs: settings.retryBaseMs,
		metrics: consumerMetricsOf(platform.metrics.registry),
	};
	if (config.profile === "embedded") {
		return new StoreEventConsumer({
			...common,
			group,
			topics: declaredTopics,
			pool: cradle.pg,
			store: cradle.eventStore,
			batchSize: config.events.relay.batchSize,
			pollIntervalMs: config.events.relay.pollIntervalMs,
			onAppended: (listener) => cradle.appendListeners.add(listener),
			logger: platform.logger.child({ mod: "consumer", group }),
		});
	}
	const { kafka, deadLetterProducer } = cradle;
	const names = kafkaNames(config.events.topicPrefix, group, declaredTopics);
	const { topics } = names;
	return new KafkaEventConsumer({
		...common,
		group: names.group,
		topics,
		kafka,
		producer: deadLetterProducer,
		ensureTopics: () => ensureTopics(kafka, withDeadLetterTopics(topics), config.events),
		commitIntervalMs: settings.commitIntervalMs,
		partitionsConcurrently: settings.partitionsConcurrently ?? config.events.topicPartitions * topics.length,
		logger: platform.logger.child({ mod: "consumer", group: names.group }),
	});
}

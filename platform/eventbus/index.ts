export type { EventConsumer, EventSink } from "./consumer.ts";
export { consumerMetricsOf } from "./consumer-metrics.ts";
export { ConsumerSet } from "./consumer-set.ts";
export { createEventConsumer } from "./create-consumer.ts";
export { KafkaEventConsumer } from "./kafka-consumer.ts";
export { type KafkaNames, kafkaNames } from "./kafka-names.ts";
export { cloudEventSource, type EventEnvelope, fromKafkaMessage, toKafkaMessage } from "./kafka-record.ts";
export { defineSubscriber, type Subscriber, type SubscriberContext, type SubscriberHandler, subscriberSink } from "./subscriber.ts";

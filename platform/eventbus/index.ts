export { consumerMetricsOf } from "./consumer-metrics.ts";
export { EventConsumer, type EventSink } from "./event-consumer.ts";
export { type EventEnvelope, fromKafkaMessage, toKafkaMessage } from "./kafka-record.ts";
export { startEventConsumer } from "./start-consumer.ts";
export { defineSubscriber, type Subscriber, type SubscriberContext, type SubscriberHandler, subscriberSink } from "./subscriber.ts";

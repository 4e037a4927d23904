export { type BatchResult, type BatchSteps, relayBatch } from "./batch.ts";
export { readCheckpoint } from "./checkpoint.ts";
export { type RelayLag, readLag } from "./lag.ts";
export { topicOfEvent, toTopicMessages } from "./publisher.ts";
export { Relay, type RelayOptions } from "./relay.ts";
export { deadLetterTopicOf, ensureTopics, publishedTopics, type TopicSettings, withDeadLetterTopics } from "./topics.ts";

/** A consumer group and its topics as Kafka knows them. */
export type KafkaNames = { group: string; topics: string[] };

/**
 * The Kafka names of a group and topics declared without a prefix: events.topicPrefix goes in
 * front of each, so that environments (or test runs) sharing one cluster never meet.
 */
export function kafkaNames(topicPrefix: string, group: string, declaredTopics: string[]): KafkaNames {
	return { group: `${topicPrefix}${group}`, topics: declaredTopics.map((topic) => `${topicPrefix}${topic}`) };
}

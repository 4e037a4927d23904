import type { Kafka } from "kafkajs";
import type { Config } from "../config/index.ts";
import type { ModuleDescriptor } from "../modules/index.ts";

export type TopicSettings = Pick<Config["events"], "topicPartitions" | "replicationFactor">;

/** Where a consumer parks the records of `topic` it cannot process. */
export function deadLetterTopicOf(topic: string): string {
	return `${topic}.dlq`;
}

/** Each topic followed by its dead-letter topic. */
export function withDeadLetterTopics(topics: Iterable<string>): string[] {
	return [...new Set(topics)].flatMap((topic) => [topic, deadLetterTopicOf(topic)]);
}

/** The topics the modules' manifests say they publish (`topics.publishes`), each once. */
export function publishedTopics(modules: readonly Pick<ModuleDescriptor, "topics">[]): string[] {
	return [...new Set(modules.flatMap((m) => m.topics.publishes))];
}

/**
 * Creates those of `topics` that do not exist yet, with the configured partitions and
 * replication; existing ones (also one a concurrent node just created) are left as they are.
 * Returns the names it created. The admin connection is closed again at once: kafkajs 2.2.4
 * keeps a timer busy per open connection (issue #1704).
 */
export async function ensureTopics(kafka: Kafka, topics: readonly string[], settings: TopicSettings): Promise<string[]> {
	if (topics.length === 0) return [];
	const admin = kafka.admin();
	await admin.connect();
	try {
		const existing = new Set(await admin.listTopics());
		const missing = [...new Set(topics)].filter((topic) => !existing.has(topic));
		if (missing.length === 0) return [];
		await admin.createTopics({
			topics: missing.map((topic) => ({
				topic,
				numPartitions: settings.topicPartitions,
				replicationFactor: settings.replicationFactor,
			})),
			waitForLeaders: true,
		});
		return missing;
	} finally {
		await admin.disconnect();
	}
}

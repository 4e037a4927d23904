import { type Consumer, type EachBatchPayload, Kafka, logLevel, type Producer } from "kafkajs";
import { deleteTopicsAndGroups as deleteKafkaNames } from "../../test/support/kafka-cleanup.ts";
import { SERVERS } from "../../test/support/servers.ts";
import { until } from "../load.ts";

/** The peers' Kafka: kafkajs as it comes, no platform code between the bench and the broker. */
export const bareKafka = new Kafka({ clientId: "bench-peer", brokers: [SERVERS.kafka], logLevel: logLevel.NOTHING });

/**
 * Creates `topic` and waits until every partition has a leader. Polled here rather than with
 * kafkajs's `waitForLeaders`, whose metadata retries can escape as an unhandled rejection
 * while the broker is still electing leaders.
 */
export async function createTopic(topic: string, numPartitions: number): Promise<void> {
	const admin = bareKafka.admin();
	await admin.connect();
	try {
		await admin.createTopics({ topics: [{ topic, numPartitions, replicationFactor: 1 }], waitForLeaders: false });
		await until(
			`leaders of ${topic}`,
			async () => {
				const metadata = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
				const partitions = metadata?.topics[0]?.partitions ?? [];
				return partitions.length === numPartitions && partitions.every((p) => p.leader >= 0);
			},
			30_000,
			50,
		);
	} finally {
		await admin.disconnect();
	}
}

/** Removes what a bench run left on Kafka: every topic and consumer group named with `prefix`. */
export async function deleteTopicsAndGroups(prefix: string): Promise<void> {
	const admin = bareKafka.admin();
	await admin.connect();
	try {
		const left = await deleteKafkaNames(admin, (name) => name.startsWith(prefix));
		if (left) console.warn(`bench: groups of ${prefix} left to expire: ${left.message}`);
	} finally {
		await admin.disconnect();
	}
}

/** A bare consumer group on `topic` from the beginning, handing each batch's messages to `onBatch`; resolves once it has joined. */
export async function startBareConsumer(
	group: string,
	topic: string,
	onBatch: (batch: EachBatchPayload["batch"]) => void,
): Promise<Consumer> {
	const consumer = bareKafka.consumer({ groupId: group, allowAutoTopicCreation: false });
	const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
	await consumer.connect();
	await consumer.subscribe({ topics: [topic], fromBeginning: true });
	await consumer.run({
		eachBatch: async ({ batch }) => {
			onBatch(batch);
		},
	});
	await joined;
	return consumer;
}

/** A bare producer (kafkajs defaults: acks from all in-sync replicas, not idempotent). */
export async function startBareProducer(): Promise<Producer> {
	const producer = bareKafka.producer({ allowAutoTopicCreation: false });
	await producer.connect();
	return producer;
}

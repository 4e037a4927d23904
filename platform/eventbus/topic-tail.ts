import { randomUUID } from "node:crypto";
import type { Platform } from "../bootstrap/index.ts";
import { moduleOfType, topicOfModule } from "../contracts/index.ts";
import { checkpointOf, type EventStore } from "../eventstore/index.ts";
import { publishedTopics } from "../relay/index.ts";
import { sleep } from "../retry/index.ts";
import { kafkaNames } from "./kafka-names.ts";
import { type EventEnvelope, fromKafkaMessage } from "./kafka-record.ts";

/** How often the embedded profile's tail looks for new events. */
const STORE_POLL_MS = 250;

/**
 * Follows a module topic (`ledger.events`) from now on for `seconds`, handing `print` each
 * event as it comes: on Kafka as a consumer group of its own (deleted afterwards), on the
 * embedded profile from the event store's head. Returns how many events it printed.
 */
export async function tailTopic(
	platform: Platform,
	topic: string,
	seconds: number,
	print: (event: EventEnvelope) => void,
): Promise<number> {
	const topics = publishedTopics(platform.modules);
	if (!topics.includes(topic)) throw new Error(`no topic ${topic}; the modules publish ${topics.join(", ")}`);
	const cradle = platform.container.awilix.cradle;
	let printed = 0;
	const count = (event: EventEnvelope) => {
		printed++;
		print(event);
	};
	if (platform.config.profile === "embedded") await tailStore(cradle.eventStore, topic, seconds, count);
	else await tailKafka(platform, topic, seconds, count);
	return printed;
}

async function tailKafka(platform: Platform, topic: string, seconds: number, print: (event: EventEnvelope) => void): Promise<void> {
	const { kafka } = platform.container.awilix.cradle;
	const names = kafkaNames(platform.config.events.topicPrefix, `repl-tail-${randomUUID()}`, [topic]);
	const consumer = kafka.consumer({ groupId: names.group, maxWaitTimeInMs: 500 });
	await consumer.connect();
	try {
		await consumer.subscribe({ topics: names.topics, fromBeginning: false });
		await consumer.run({ eachMessage: async ({ message }) => print(fromKafkaMessage(message)) });
		await sleep(seconds * 1_000);
	} finally {
		await consumer.disconnect();
		const admin = kafka.admin();
		await admin.connect();
		await admin.deleteGroups([names.group]).catch(() => undefined);
		await admin.disconnect();
	}
}

async function tailStore(store: EventStore, topic: string, seconds: number, print: (event: EventEnvelope) => void): Promise<void> {
	let at = await store.head();
	const until = Date.now() + seconds * 1_000;
	while (Date.now() < until) {
		const events = await store.readAll(at, 500);
		for (const recorded of events) {
			at = checkpointOf(recorded);
			const { transactionId: _, ...event } = recorded;
			if (topicOfModule(moduleOfType(event.type)) === topic) print(event);
		}
		if (events.length === 0) await sleep(Math.min(STORE_POLL_MS, Math.max(0, until - Date.now())));
	}
}

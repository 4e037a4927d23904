import type { TopicMessages } from "kafkajs";
import { type Checkpoint, checkpointOf, type EventStore } from "../eventstore/index.ts";
import { endFailed, produceSpan } from "../tracing/index.ts";
import { type Publisher, topicOfEvent, toTopicMessages } from "./publisher.ts";

export type BatchSteps = {
	store: Pick<EventStore, "readAll">;
	publisher: Pick<Publisher, "send">;
	saveCheckpoint: (to: Checkpoint) => Promise<void>;
	batchSize: number;
	/** Put before every topic name (events.topicPrefix). */
	topicPrefix?: string;
};

export type BatchResult = { checkpoint: Checkpoint; count: number; sent: TopicMessages[] };

/**
 * One batch of the relay: the committed events after `from` in commit order, sent to Kafka,
 * and only once Kafka has acknowledged all of them, the checkpoint moved past them. A send
 * that fails leaves the stored checkpoint where it was, so the same events go again.
 */
export async function relayBatch(from: Checkpoint, steps: BatchSteps): Promise<BatchResult> {
	const events = await steps.store.readAll(from, steps.batchSize);
	const last = events.at(-1);
	if (!last) return { checkpoint: from, count: 0, sent: [] };
	const sent = toTopicMessages(events, steps.topicPrefix);
	const spans = events.flatMap((event) => produceSpan(event, `${steps.topicPrefix ?? ""}${topicOfEvent(event)}`) ?? []);
	try {
		await steps.publisher.send(sent);
	} catch (err) {
		for (const span of spans) endFailed(span, err);
		throw err;
	}
	for (const span of spans) span.end();
	const checkpoint = checkpointOf(last);
	await steps.saveCheckpoint(checkpoint);
	return { checkpoint, count: events.length, sent };
}

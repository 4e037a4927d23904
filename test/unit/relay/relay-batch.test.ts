import type { TopicMessages } from "kafkajs";
import type { Checkpoint, RecordedEvent } from "../../../platform/eventstore/index.ts";
import { relayBatch, toTopicMessages } from "../../../platform/relay/index.ts";

function recorded(position: number, type: string, streamId: string, version: number): RecordedEvent {
	return {
		position,
		streamId,
		version,
		id: `00000000-0000-4000-8000-${String(position).padStart(12, "0")}`,
		type,
		schemaVersion: 1,
		data: { position },
		metadata: {},
		transactionId: String(1000 + position),
		recordedAt: new Date("2026-11-25T10:00:00.000Z"),
	};
}

const events = [
	recorded(1, "ledger.AccountOpened", "acc-1", 1),
	recorded(2, "identity.UserRegistered", "user-1", 1),
	recorded(3, "ledger.MoneyDeposited", "acc-1", 2),
	recorded(4, "ledger.AccountOpened", "acc-2", 1),
];

/** The order things happened in, to check that the checkpoint follows the acknowledgement. */
function steps(send: (batch: readonly TopicMessages[]) => Promise<void>, log: string[]) {
	return {
		store: { readAll: async (_after: Checkpoint, limit: number) => events.slice(0, limit) },
		publisher: {
			send: async (batch: readonly TopicMessages[]) => {
				log.push("send");
				await send(batch);
				log.push("acknowledged");
			},
		},
		saveCheckpoint: async (to: Checkpoint) => void log.push(`checkpoint ${to.transactionId}/${to.position}`),
		batchSize: 10,
	};
}

describe("toTopicMessages", () => {
	it("sends each event to its module's topic, keyed by stream, in commit order within the topic", () => {
		const batch = toTopicMessages(events);
		expect(batch.map((t) => t.topic)).toEqual(["ledger.events", "identity.events"]);
		expect(batch[0]?.messages.map((m) => [m.key, m.headers?.ce_streamversion])).toEqual([
			["acc-1", "1"],
			["acc-1", "2"],
			["acc-2", "1"],
		]);
		expect(batch[1]?.messages.map((m) => m.key)).toEqual(["user-1"]);
	});

	it("puts the configured prefix before every topic", () => {
		expect(toTopicMessages(events, "staging.").map((t) => t.topic)).toEqual(["staging.ledger.events", "staging.identity.events"]);
	});
});

describe("relayBatch", () => {
	it("stores the checkpoint past the batch only after Kafka acknowledged it", async () => {
		const log: string[] = [];
		const result = await relayBatch(
			{ transactionId: "0", position: 0 },
			steps(async () => undefined, log),
		);
		expect(log).toEqual(["send", "acknowledged", "checkpoint 1004/4"]);
		expect(result).toMatchObject({ checkpoint: { transactionId: "1004", position: 4 }, count: 4 });
	});

	it("leaves the checkpoint where it was when the send fails", async () => {
		const log: string[] = [];
		const refused = relayBatch(
			{ transactionId: "0", position: 0 },
			steps(async () => Promise.reject(new Error("broker refused")), log),
		);
		await expect(refused).rejects.toThrow("broker refused");
		expect(log).toEqual(["send"]);
	});

	it("sends nothing and keeps the checkpoint when there is nothing new", async () => {
		const log: string[] = [];
		const from = { transactionId: "7", position: 3 };
		const result = await relayBatch(from, { ...steps(async () => undefined, log), store: { readAll: async () => [] } });
		expect(result).toEqual({ checkpoint: from, count: 0, sent: [] });
		expect(log).toEqual([]);
	});
});

import { randomUUID } from "node:crypto";
import { type Consumer, Kafka, logLevel } from "kafkajs";
import { requireServers, SERVERS } from "../support/servers.ts";

/**
 * kafkajs 2.2.4 against the broker infra/ runs (Kafka 4.x): the admin, idempotent produce
 * and consumer groups that the event bus relies on. Kafka 4 dropped old protocol versions,
 * so this suite is what tells us the pair still works after either side is upgraded.
 */
describe("kafkajs against the infra Kafka broker", () => {
	const kafka = new Kafka({ clientId: "compat-test", brokers: [SERVERS.kafka], logLevel: logLevel.NOTHING });
	const admin = kafka.admin();
	const topic = `compat-${randomUUID()}`;
	const groupId = `compat-group-${randomUUID()}`;
	const consumers: Consumer[] = [];

	beforeAll(async () => {
		await requireServers("kafka");
		await admin.connect();
	});
	afterAll(async () => {
		await Promise.all(consumers.map((c) => c.disconnect()));
		await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
		await admin.disconnect();
	});

	it("creates a topic with partitions and reads its metadata and offsets", async () => {
		expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true })).toBe(true);
		const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
		expect(topics[0]?.partitions).toHaveLength(3);
		const offsets = await admin.fetchTopicOffsets(topic);
		expect(offsets.map((o) => o.high)).toEqual(["0", "0", "0"]);
	});

	it("produces idempotently with keys and headers, and two group members split and commit them", async () => {
		const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
		await producer.connect();
		const messages = Array.from({ length: 30 }, (_, i) => ({
			key: `stream-${i % 6}`,
			value: JSON.stringify({ i }),
			headers: { ce_id: `id-${i}` },
		}));
		await producer.send({ topic, acks: -1, messages });
		await producer.disconnect();

		const seen = new Map<string, { member: number; key: string; header: string }>();
		for (const member of [1, 2]) {
			const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500 });
			consumers.push(consumer);
			await consumer.connect();
			await consumer.subscribe({ topic, fromBeginning: true });
			await consumer.run({
				eachMessage: async ({ message }) => {
					const { i } = JSON.parse(String(message.value)) as { i: number };
					seen.set(String(i), { member, key: String(message.key), header: String(message.headers?.ce_id) });
				},
			});
		}
		await waitFor(() => seen.size === 30);
		expect(seen.get("7")).toMatchObject({ key: "stream-1", header: "id-7" });

		await Promise.all(consumers.splice(0).map((c) => c.disconnect()));
		// Offsets are committed asynchronously; all 30 must land.
		await waitForAsync(async () => {
			const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
			return committed[0]?.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0) === 30;
		});
	});

	it("resumes a restarted group from its committed offsets", async () => {
		const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
		await producer.connect();
		await producer.send({ topic, acks: -1, messages: [{ key: "late", value: JSON.stringify({ i: 30 }) }] });
		await producer.disconnect();

		const received: number[] = [];
		const consumer = kafka.consumer({ groupId });
		consumers.push(consumer);
		await consumer.connect();
		await consumer.subscribe({ topic, fromBeginning: true });
		await consumer.run({
			eachMessage: async ({ message }) => {
				received.push((JSON.parse(String(message.value)) as { i: number }).i);
			},
		});
		await waitFor(() => received.length >= 1);
		await new Promise((r) => setTimeout(r, 500));
		expect(received).toEqual([30]);
	});
});

async function waitForAsync(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await condition())) {
		if (Date.now() > deadline) throw new Error("timed out waiting");
		await new Promise((r) => setTimeout(r, 100));
	}
}

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error("timed out waiting");
		await new Promise((r) => setTimeout(r, 50));
	}
}

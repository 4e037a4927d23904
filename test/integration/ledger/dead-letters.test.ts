import { randomUUID } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";
import type { ServiceBroker } from "moleculer";
import pg from "pg";
import { platformOf } from "../../../platform/bootstrap/index.ts";
import { projectionCommands, topicCommands } from "../../../platform/repl/index.ts";
import { probe } from "../../fixtures/dlq-probe/dlq-probe.service.ts";
import { startBroker } from "../../support/broker.ts";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { eventually } from "../../support/eventually.ts";
import { runCommand } from "../../support/repl.ts";
import { requireServers, SERVERS } from "../../support/servers.ts";

type Status = {
	name: string;
	deadLettered: number;
	parked: number;
	lastError: string | null;
	lagMessages: { topic: string; partition: number; lag: number }[] | null;
	kafkaError: string | null;
};

describe("a failing or poisoned event is dead-lettered and the projection goes on", () => {
	let db: TestDatabase;
	let broker: ServiceBroker;
	let client: pg.Client;
	const kafka = new Kafka({ brokers: [SERVERS.kafka], logLevel: logLevel.NOTHING });
	let prefix: string;
	const lines = async () =>
		(await client.query<{ amount: number }>("SELECT amount FROM dlq_probe_lines ORDER BY amount")).rows.map((r) => r.amount);
	const status = async () => (await broker.call<Status[], object>("ledger.dlqprobe.projections", {}))[0] as Status;

	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka");
		db = await createTestDatabase("dlq");
		prefix = `${db.name}.`;
		client = new pg.Client({ connectionString: db.url });
		await client.connect();
		await client.query("CREATE TABLE dlq_probe_lines (event_id uuid PRIMARY KEY, amount int NOT NULL)");
		broker = await startBroker(["services/ledger/ledger.service.ts", "test/fixtures/dlq-probe/dlq-probe.service.ts"], {
			PLATFORM_POSTGRES__URL: db.url,
			PLATFORM_EVENTS__TOPIC_PREFIX: prefix,
			PLATFORM_EVENTS__TOPIC_PARTITIONS: "1",
			PLATFORM_EVENTS__PROJECTIONS__MAX_ATTEMPTS: "3",
			PLATFORM_EVENTS__PROJECTIONS__RETRY_BASE_MS: "10",
		});
		await broker.call("ledger.openAccount", { accountId: "acc", owner: "Ann", currency: "EUR" });
	}, 60_000);
	afterAll(async () => {
		await broker?.stop();
		await client?.end();
		await db?.drop();
	});

	it("retries, parks the failing event on <topic>.dlq with the error, group and attempts, and applies the rest", async () => {
		for (const amount of [5, 13, 7]) await broker.call("ledger.deposit", { accountId: "acc", amount, currency: "EUR" });
		await eventually("deposits 5 and 7 applied", async () => ((await lines()).join() === "5,7" ? true : undefined));
		const parked = await status();
		expect(parked).toMatchObject({ deadLettered: 1, parked: 1, lastError: "unlucky amount 13", kafkaError: null });
		// Lag is read under the prefixed names the group consumes with.
		expect(parked.lagMessages).toEqual([{ topic: `${prefix}ledger.events`, partition: 0, lag: expect.any(Number) }]);

		const headers = await firstDeadLetter(kafka, `${prefix}ledger.events.dlq`);
		expect(headers).toMatchObject({
			ce_type: "ledger.MoneyDeposited",
			dlq_error: "unlucky amount 13",
			dlq_group: `${prefix}projection.ledger-dlq-probe`,
			dlq_attempts: "3",
			dlq_topic: `${prefix}ledger.events`,
		});
	});

	it("lists the parked event in the REPL", async () => {
		const printed = await runCommand(projectionCommands, broker, "dead-letters", { projection: "ledger-dlq-probe" });
		expect(printed).toMatch(/^\d+ \| ledger\.MoneyDeposited \| ledger-account-acc \| 3 \| unlucky amount 13 \| \d{4}-/m);
	});

	it("replays a parked event once its handler works, and clears it", async () => {
		probe.failOn = null;
		const report = await broker.call<{ replayed: number }, object>("ledger.dlqprobe.replayDeadLetters", { name: "ledger-dlq-probe" });
		expect(report.replayed).toBe(1);
		expect(await lines()).toEqual([5, 7, 13]);
		expect(await status()).toMatchObject({ parked: 0 });
	});

	it("tails the topic live in the REPL, as a consumer group of its own", async () => {
		const tail = runCommand(topicCommands, broker, "tail", { topic: "ledger.events", seconds: "6" });
		// The tail's group joins first; it prints what is published from then on.
		await new Promise((resolve) => setTimeout(resolve, 3_000));
		await broker.call("ledger.deposit", { accountId: "acc", amount: 34, currency: "EUR" });
		expect(await tail).toMatch(/^\d+ ledger\.MoneyDeposited ledger-account-acc v\d+ \{.*"amount":34.*\}$/m);
	});

	it("dead-letters a record whose payload breaks its contract, skips an unknown type, and keeps consuming", async () => {
		const producer = kafka.producer();
		await producer.connect();
		const base = {
			ce_specversion: "1.0",
			ce_source: "urn:platform:ledger",
			ce_time: new Date().toISOString(),
			ce_schemaversion: "1",
			ce_position: "999999",
		};
		await producer.send({
			topic: `${prefix}ledger.events`,
			messages: [
				{
					key: "ledger-account-acc",
					value: JSON.stringify({ accountId: "acc", amount: "lots", currency: "EUR" }),
					headers: {
						...base,
						ce_id: randomUUID(),
						ce_type: "ledger.MoneyDeposited",
						ce_subject: "ledger-account-acc",
						ce_streamversion: "900",
					},
				},
				{
					key: "other-stream",
					value: "{}",
					headers: {
						...base,
						ce_id: randomUUID(),
						ce_type: "ledger.SomethingNobodyDeclared",
						ce_subject: "other-stream",
						ce_streamversion: "1",
					},
				},
			],
		});
		await producer.disconnect();
		await broker.call("ledger.deposit", { accountId: "acc", amount: 21, currency: "EUR" });
		await eventually("the deposit after the poison applied", async () => ((await lines()).includes(21) ? true : undefined));
		const dead = await allDeadLetters(kafka, `${prefix}ledger.events.dlq`);
		const poison = dead.find((h) => h.dlq_error?.includes("data.amount"));
		expect(poison).toMatchObject({ dlq_attempts: "1", ce_type: "ledger.MoneyDeposited" });
		expect(dead.some((h) => h.ce_type === "ledger.SomethingNobodyDeclared")).toBe(false);
		const metrics = await platformOf(broker).metrics.registry.getSingleMetricAsString("platform_consumer_events_total");
		expect(metrics).toMatch(new RegExp(`group="${prefix}projection\\.ledger-dlq-probe",outcome="unknown_type",[^}]*\\} 1$`, "m"));
	});
});

type Headers = Record<string, string>;

async function allDeadLetters(kafka: Kafka, topic: string): Promise<Headers[]> {
	const admin = kafka.admin();
	await admin.connect();
	const end = (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
	await admin.disconnect();
	const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}` });
	await consumer.connect();
	await consumer.subscribe({ topic, fromBeginning: true });
	const seen: Headers[] = [];
	await new Promise<void>((resolve) => {
		void consumer.run({
			eachMessage: async ({ message }) => {
				seen.push(Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])));
				if (seen.length >= end) resolve();
			},
		});
	});
	await consumer.disconnect();
	return seen;
}

async function firstDeadLetter(kafka: Kafka, topic: string): Promise<Headers | undefined> {
	return (await allDeadLetters(kafka, topic))[0];
}

import { Kafka, logLevel } from "kafkajs";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { eventually } from "../support/eventually.ts";
import { requestJson } from "../support/http.ts";
import { type NodeProcess, startNode } from "../support/node-process.ts";
import { requireServers, SERVERS } from "../support/servers.ts";
import { startTelemetryReceiver } from "../support/telemetry-receiver.ts";
import { signedIn } from "../support/tokens.ts";

describe("tracing over OTLP and error reports to Sentry", () => {
	let db: TestDatabase;
	let node: NodeProcess;
	let receiver: Awaited<ReturnType<typeof startTelemetryReceiver>>;
	let base: string;

	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka");
		db = await createTestDatabase("telemetry");
		receiver = await startTelemetryReceiver();
		node = await startNode({
			services: ["services", "test/fixtures/faulty"],
			env: {
				PLATFORM_POSTGRES__URL: db.url,
				PLATFORM_REDIS__KEY_PREFIX: `${db.name}.`,
				PLATFORM_TRACING__ENDPOINT: `http://127.0.0.1:${receiver.port}/v1/traces`,
				PLATFORM_SENTRY__DSN: `http://publickey@127.0.0.1:${receiver.port}/42`,
				// The SDK's batch delay (5 s by default), short so the test does not wait for it.
				OTEL_BSP_SCHEDULE_DELAY: "200",
			},
		});
		base = `http://127.0.0.1:${node.apiPort}`;
	});
	afterAll(async () => {
		await node?.stop();
		await receiver?.close();
		await db?.drop();
	});

	it("links a REST request, its SQL, the Kafka record and the projection's span in one trace", async () => {
		const admin = await signedIn(base);
		const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
		const opened = await requestJson(`${base}/api/v1/ledger/accounts`, {
			headers: { ...admin, traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
			body: { accountId: "traced-1", owner: "Ada", currency: "EUR" },
		});
		expect(opened.status).toBe(200);
		expect(opened.headers.get("traceresponse")).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));

		const names = await eventually(
			"the projection's span in the trace",
			async () => {
				const inTrace = receiver.spans.filter((s) => s.traceId === traceId).map((s) => s.name);
				return inTrace.some((n) => n.endsWith("projection.ledger-accounts process ledger.AccountOpened")) ? inTrace : undefined;
			},
			20_000,
		);
		expect(names).toEqual(
			expect.arrayContaining([
				"POST /api/v1/ledger/accounts",
				"action ledger.openAccount",
				"pg.query",
				expect.stringMatching(/ledger\.events publish$/),
				expect.stringMatching(/projection\.ledger-accounts process ledger\.AccountOpened$/),
			]),
		);
		// The HTTP span continues the caller's span; the action's span is its child.
		const spans = receiver.spans.filter((s) => s.traceId === traceId);
		const http = spans.find((s) => s.name === "POST /api/v1/ledger/accounts");
		expect(http?.parentSpanId).toBe("00f067aa0ba902b7");
		const action = spans.find((s) => s.name === "action ledger.openAccount");
		expect(spans.some((s) => s.spanId === action?.parentSpanId)).toBe(true);

		// The Kafka record itself carries the trace.
		const kafka = new Kafka({ brokers: [SERVERS.kafka], logLevel: logLevel.NOTHING });
		const consumer = kafka.consumer({ groupId: `${db.name}.telemetry-test` });
		await consumer.connect();
		await consumer.subscribe({ topic: `${db.name}.ledger.events`, fromBeginning: true });
		const header = await new Promise<string>((resolve) => {
			void consumer.run({
				eachMessage: async ({ message }) => {
					if (message.key?.toString() === "ledger-account-traced-1") resolve(String(message.headers?.traceparent));
				},
			});
		});
		await consumer.disconnect();
		expect(header).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
	});

	it("reports a system error to Sentry with its code and trace id, and a business error not at all", async () => {
		const boom = await requestJson(`${base}/api/v1/faulty/boom`);
		expect(boom.status).toBe(500);
		const traceId = boom.body.traceId as string;
		const envelope = await eventually("the Sentry envelope", async () => receiver.envelopes.find((e) => e.includes(traceId)), 10_000);
		expect(envelope).toContain("connection to db-internal:5432 failed");
		expect(envelope).toContain('"code":"INTERNAL_ERROR"');

		const before = receiver.envelopes.length;
		expect((await requestJson(`${base}/api/v1/faulty/conflict`)).status).toBe(409);
		await new Promise((resolve) => setTimeout(resolve, 1_000));
		expect(receiver.envelopes.length).toBe(before);
	});
});

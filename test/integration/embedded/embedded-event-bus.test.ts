import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServiceBroker } from "moleculer";
import { platformOf } from "../../../platform/bootstrap/index.ts";
import { projectionCommands, topicCommands } from "../../../platform/repl/index.ts";
import { probe } from "../../fixtures/dlq-probe/dlq-probe.service.ts";
import { startBroker } from "../../support/broker.ts";
import { eventually } from "../../support/eventually.ts";
import { runCommand } from "../../support/repl.ts";

type Status = { deadLettered: number; parked: number; lastError: string | null; lagMessages: unknown; kafkaError: string | null };

/** The embedded profile's event bus: projections fed from the event store, with Kafka's failure handling. */
describe("the event bus of the embedded profile", () => {
	const dataDir = mkdtempSync(join(tmpdir(), "embedded-bus-"));
	let broker: ServiceBroker;
	const run = (name: string, params: object) => runCommand([...projectionCommands, ...topicCommands], broker, name, params);
	const lines = async () =>
		(
			await platformOf(broker).container.resolve("pg").query<{ amount: number }>("SELECT amount FROM dlq_probe_lines ORDER BY amount")
		).rows.map((r) => r.amount);
	const status = async () => (await broker.call<Status[], object>("ledger.dlqprobe.projections", {}))[0] as Status;

	beforeAll(async () => {
		broker = await startBroker(["services/ledger/ledger.service.ts", "test/fixtures/dlq-probe/dlq-probe.service.ts"], {
			PLATFORM_PROFILE: "embedded",
			PLATFORM_EMBEDDED__DATA_DIR: dataDir,
			// Nothing may reach for a server: every address points at a closed port.
			PLATFORM_POSTGRES__URL: "postgres://postgres@127.0.0.1:1/none",
			PLATFORM_REDIS__URL: "redis://127.0.0.1:1",
			PLATFORM_KAFKA__BROKERS: "[127.0.0.1:1]",
			PLATFORM_EVENTS__PROJECTIONS__MAX_ATTEMPTS: "3",
			PLATFORM_EVENTS__PROJECTIONS__RETRY_BASE_MS: "10",
		});
		await platformOf(broker).container.resolve("pg").query("CREATE TABLE dlq_probe_lines (event_id uuid PRIMARY KEY, amount int NOT NULL)");
		await broker.call("ledger.openAccount", { accountId: "acc", owner: "Ann", currency: "EUR" });
	}, 60_000);
	afterAll(async () => {
		await broker?.stop();
		rmSync(dataDir, { recursive: true, force: true });
	});

	it("retries, parks the failing event with its error, applies the rest, and lists what it parked", async () => {
		for (const amount of [5, 13, 7]) await broker.call("ledger.deposit", { accountId: "acc", amount, currency: "EUR" });
		await eventually("deposits 5 and 7 applied", async () => ((await lines()).join() === "5,7" ? true : undefined));
		await eventually("the parked deposit", async () => ((await status()).parked === 1 ? true : undefined));
		expect(await status()).toMatchObject({ deadLettered: 1, lastError: "unlucky amount 13", lagMessages: null, kafkaError: null });
		const printed = await run("dead-letters", { projection: "ledger-dlq-probe" });
		expect(printed).toMatch(/^position \| type \| stream \| attempts \| error \| parked at$/m);
		expect(printed).toMatch(/^\d+ \| ledger\.MoneyDeposited \| ledger-account-acc \| 3 \| unlucky amount 13 \| \d{4}-/m);
	});

	it("replays a parked event once its handler works", async () => {
		probe.failOn = null;
		const report = await broker.call<{ replayed: number }, object>("ledger.dlqprobe.replayDeadLetters", { name: "ledger-dlq-probe" });
		expect(report.replayed).toBe(1);
		expect(await lines()).toEqual([5, 7, 13]);
	});

	it("rebuilds a projection from the event store while it serves", async () => {
		const report = await broker.call<{ events: number }, object>("ledger.rebuildProjection", { name: "ledger-accounts" });
		expect(report.events).toBeGreaterThanOrEqual(4);
		expect(await broker.call("ledger.getAccount", { accountId: "acc" })).toMatchObject({ balance: 25 });
	});

	it("tails a topic's events live, and refuses a topic no module publishes", async () => {
		const tail = run("tail", { topic: "ledger.events", seconds: "2" });
		await new Promise((resolve) => setTimeout(resolve, 300));
		await broker.call("ledger.deposit", { accountId: "acc", amount: 21, currency: "EUR" });
		const printed = await tail;
		expect(printed).toMatch(/^\d+ ledger\.MoneyDeposited ledger-account-acc v\d+ \{.*"amount":21.*\}$/m);
		expect(printed).toMatch(/^1 event\(s\)$/m);
		await expect(run("tail", { topic: "nope.events" })).rejects.toThrow("no topic nope.events; the modules publish");
	});
});

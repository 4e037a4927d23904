import type { ServiceBroker } from "moleculer";
import pg from "pg";
import { AccountOpened } from "../../../events/ledger/index.ts";
import { platformOf } from "../../../platform/bootstrap/index.ts";
import { EVENTS_CHANNEL } from "../../../platform/eventstore/index.ts";
import { startBroker } from "../../support/broker.ts";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { eventually } from "../../support/node-process.ts";
import { relayCaughtUp } from "../../support/relay.ts";
import { requireServers } from "../../support/servers.ts";

/**
 * A node's appends wake its own active relay in-process; only appends of a process whose
 * relay is not the active one NOTIFY. The relays poll once a minute here, so only a wake-up
 * can move them within the test's bounds.
 */
describe("how appends wake the relay", () => {
	let db: TestDatabase;
	let pool: pg.Pool;
	let listener: pg.Client;
	let notifications = 0;
	const brokers: ServiceBroker[] = [];
	const start = async (env: Record<string, string> = {}) => {
		// No module with consumers: the test appends through the node's own event store, and nothing else runs on Kafka.
		const broker = await startBroker(["services/system/system.service.ts"], {
			PLATFORM_POSTGRES__URL: db.url,
			PLATFORM_EVENTS__TOPIC_PREFIX: `${db.name}.`,
			PLATFORM_EVENTS__RELAY__POLL_INTERVAL_MS: "60000",
			...env,
		});
		brokers.push(broker);
		return broker;
	};
	const open = (broker: ServiceBroker, accountId: string) =>
		platformOf(broker)
			.container.resolve("eventStore")
			.append(`ledger-account-${accountId}`, [
				{ type: AccountOpened.type, schemaVersion: 1, data: { ...AccountOpened.example, accountId } },
			]);

	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka");
		db = await createTestDatabase("wakeup");
		pool = new pg.Pool({ connectionString: db.url, max: 2 });
		listener = new pg.Client({ connectionString: db.url });
		await listener.connect();
		listener.on("notification", () => notifications++);
		await listener.query(`LISTEN ${EVENTS_CHANNEL}`);
	});
	afterAll(async () => {
		for (const broker of brokers.reverse()) await broker.stop();
		await listener?.end();
		await pool?.end();
		await db?.drop();
	});

	it("wakes the node's own active relay without a NOTIFY", async () => {
		const broker = await start();
		await eventually(async () => platformOf(broker).relay?.active === true, 10_000, "relay active");
		notifications = 0;
		for (let i = 0; i < 5; i++) await open(broker, `own-${i}`);
		await relayCaughtUp({ pool }, 5_000);
		expect(notifications).toBe(0);
	});

	it("sends a NOTIFY from a node whose relay is not the active one, which wakes the active relay", async () => {
		const standby = await start({ PLATFORM_EVENTS__RELAY__ENABLED: "false" });
		notifications = 0;
		await open(standby, "other-1");
		await eventually(async () => notifications > 0, 5_000, "a NOTIFY");
		await relayCaughtUp({ pool }, 5_000);
	});
});

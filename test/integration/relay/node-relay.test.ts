import pg from "pg";
import { topicOfModule } from "../../../platform/contracts/index.ts";
import { EventStore } from "../../../platform/eventstore/index.ts";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { eventually, type NodeProcess, startNode } from "../../support/node-process.ts";
import { consumeTopic, deleteTopics, relayCaughtUp, relayLockHolders, uniqueModule, versionsByStream } from "../../support/relay.ts";
import { requireServers } from "../../support/servers.ts";

async function metricsOf(node: NodeProcess): Promise<string> {
	return (await fetch(`http://127.0.0.1:${node.opsPort}/metrics`)).text();
}

const isActive = async (node: NodeProcess) => /^platform_relay_active\{[^}]*\} 1$/m.test(await metricsOf(node));

describe("the relay of a platform node", () => {
	let db: TestDatabase;
	let pool: pg.Pool;
	let store: EventStore;
	let nodes: NodeProcess[] = [];
	const module = uniqueModule("node");
	// startNode puts the database's name before every topic of its nodes.
	const topic = () => `${db.name}.${topicOfModule(module)}`;
	const env = () => ({ PLATFORM_POSTGRES__URL: db.url, PLATFORM_EVENTS__RELAY__POLL_INTERVAL_MS: "200" });
	// Modules without consumers of their own: the node relays what this test appends, nothing else runs on Kafka.
	const services = ["services/system", "services/api"];
	const append = async (from: number, count: number) => {
		for (let i = from; i < from + count; i++)
			await store.append(`${module}-${i % 3}`, [{ type: `${module}.Happened`, schemaVersion: 1, data: { i } }]);
	};

	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka");
		db = await createTestDatabase("relaynode");
	});
	afterAll(async () => {
		await Promise.all(nodes.map((n) => n.stop("SIGKILL")));
		await pool?.end();
		await db?.drop();
		await deleteTopics([topic()]);
	});

	it("starts once the node is ready, relays, and on SIGTERM releases its lock and exits 0", async () => {
		const node = await startNode({ services, env: env() });
		nodes.push(node);
		pool = new pg.Pool({ connectionString: db.url, max: 2 });
		store = new EventStore(pool);
		await eventually(() => isActive(node), 5_000, "node's relay active");
		await append(0, 30);
		await relayCaughtUp({ pool });
		expect(await metricsOf(node)).toMatch(
			new RegExp(`^platform_relay_events_total\\{topic="${topic().replaceAll(".", "\\.")}",node="[^"]+"\\} 30$`, "m"),
		);

		expect(await node.stop("SIGTERM")).toBe(0);
		nodes = [];
		expect(await relayLockHolders(pool)).toEqual([]);
		const sessions = await pool.query(
			"SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'platform relay'",
		);
		expect(sessions.rows).toEqual([]);
		expect((await consumeTopic(topic(), 30)).length).toBe(30);
	});

	it("moves to another node within seconds when the active node is killed", async () => {
		nodes = await Promise.all([startNode({ services, env: env() }), startNode({ services, env: env() })]);
		await eventually(async () => (await Promise.all(nodes.map(isActive))).some(Boolean), 5_000, "an active relay");
		const states = await Promise.all(nodes.map(isActive));
		expect(states.filter(Boolean)).toHaveLength(1);
		const [active, standby] = states[0] ? [nodes[0], nodes[1]] : [nodes[1], nodes[0]];

		await active?.stop("SIGKILL");
		const killed = performance.now();
		await eventually(() => isActive(standby as NodeProcess), 10_000, "standby active");
		const takeoverMs = performance.now() - killed;
		await append(30, 30);
		await relayCaughtUp({ pool });

		expect(takeoverMs).toBeLessThan(3_000);
		const records = await consumeTopic(topic(), 60);
		for (const versions of versionsByStream(records).values()) expect(versions).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
	});
});

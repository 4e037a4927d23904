import { randomUUID } from "node:crypto";
import type { ServiceBroker } from "moleculer";
import { startClientBroker } from "../support/client-broker.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { type NodeProcess, startNode } from "../support/node-process.ts";
import { requireServers, SERVERS } from "../support/servers.ts";

describe("several nodes over the real NATS", () => {
	const namespace = `t-${randomUUID().slice(0, 8)}`;
	let db: TestDatabase;
	let nodes: NodeProcess[] = [];
	let client: ServiceBroker;

	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka", "nats");
		db = await createTestDatabase("multi");
		const env = { PLATFORM_POSTGRES__URL: db.url, PLATFORM_TRANSPORTER__URL: SERVERS.nats, PLATFORM_NODE__NAMESPACE: namespace };
		nodes = await Promise.all([startNode({ env }), startNode({ env })]);
		client = await startClientBroker(namespace, ["system"]);
	});
	afterAll(async () => {
		await client?.stop();
		await Promise.all(nodes.map((n) => n.stop("SIGKILL")));
		await db?.drop();
	});

	const whoAnswers = async (calls: number) => {
		const answers: string[] = [];
		for (let i = 0; i < calls; i++) answers.push((await client.call<{ nodeID: string }>("system.ping")).nodeID);
		return answers;
	};

	it("discover each other's services and balance calls between them", async () => {
		await waitUntil(() => client.registry.getServiceList({ onlyAvailable: true }).filter((s) => s.name === "system").length === 2);
		const answers = await whoAnswers(20);
		const [a, b] = nodes as [NodeProcess, NodeProcess];
		expect(answers.filter((id) => id === a.nodeID)).toHaveLength(10);
		expect(answers.filter((id) => id === b.nodeID)).toHaveLength(10);
	});

	it("keep serving from the other node when one stops", async () => {
		const [a, b] = nodes as [NodeProcess, NodeProcess];
		expect(await a.stop("SIGTERM")).toBe(0);
		const answers = await whoAnswers(10);
		expect(answers).toEqual(Array(10).fill(b.nodeID));
	});
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error("condition not reached in time");
		await new Promise((r) => setTimeout(r, 100));
	}
}

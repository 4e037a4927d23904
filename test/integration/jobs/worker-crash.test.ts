import { randomUUID } from "node:crypto";
import type { ServiceBroker } from "moleculer";
import { startClientBroker } from "../../support/client-broker.ts";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { eventually } from "../../support/eventually.ts";
import { createProbeTable, jobState, type ProbeRun, probeRuns } from "../../support/job-probe.ts";
import { type NodeProcess, startNode } from "../../support/node-process.ts";
import { requireServers, SERVERS } from "../../support/servers.ts";

/** probe.slow's timeout: a dead worker's job is taken again once this has passed. */
const TIMEOUT_MS = 3_000;

describe("job workers that die or stop", () => {
	const namespace = `t-${randomUUID().slice(0, 8)}`;
	let db: TestDatabase;
	let nodes: NodeProcess[] = [];
	let client: ServiceBroker;

	const alive = () => nodes.filter((n) => n.child.exitCode === null && n.child.signalCode === null);
	// Straight to a live node: the client's registry notices a killed one only after its heartbeat timeout.
	const enqueue = (marker: string, ms: number) =>
		client.call<{ id: string }, object>(
			"jobs.enqueue",
			{ job: "probe.slow", payload: { marker, ms } },
			{ nodeID: (alive()[0] as NodeProcess).nodeID },
		);
	const firstRun = (marker: string) =>
		eventually(`a run of ${marker}`, async () => {
			const runs = await probeRuns(db.url, marker);
			return runs[0];
		});
	const nodeOf = (run: ProbeRun) => nodes.find((n) => n.child.pid === run.pid) as NodeProcess;

	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka", "nats");
		db = await createTestDatabase("jobcrash");
		await createProbeTable(db.url);
		const env = { PLATFORM_POSTGRES__URL: db.url, PLATFORM_TRANSPORTER__URL: SERVERS.nats, PLATFORM_NODE__NAMESPACE: namespace };
		const services = ["services/jobs", "test/fixtures/job-probe"];
		nodes = await Promise.all([startNode({ services, env }), startNode({ services, env })]);
		client = await startClientBroker(namespace, ["jobs", "probe"]);
	});
	afterAll(async () => {
		await client?.stop();
		await Promise.all(nodes.map((n) => n.stop("SIGKILL")));
		await db?.drop();
	});

	it("takes the job of a worker killed mid-job again once its timeout passed, and finishes it once", async () => {
		const { id } = await enqueue("killed", 2_000);
		const first = await firstRun("killed");
		const victim = nodeOf(first);
		victim.child.kill("SIGKILL");
		await victim.exited;

		await eventually("the job done elsewhere", async () => ((await jobState(db.url, id)) === "completed" ? true : undefined), 20_000);
		const runs = await probeRuns(db.url, "killed");
		expect(runs.map((r) => [r.attempt, r.finished_at !== null])).toEqual([
			[1, false],
			[2, true],
		]);
		const [, second] = runs as [ProbeRun, ProbeRun];
		expect(second.pid).not.toBe(first.pid);
		// Never at the same time: the second attempt starts only after the first one's timeout.
		expect(second.started_at.getTime() - first.started_at.getTime()).toBeGreaterThanOrEqual(TIMEOUT_MS);
	});

	it("lets the job in hand finish when its node gets SIGTERM", async () => {
		const { id } = await enqueue("terminated", 2_000);
		const run = await firstRun("terminated");
		const node = nodeOf(run);
		node.child.kill("SIGTERM");
		const exitCode = await node.exited;
		if (exitCode !== 0) throw new Error(`node exited ${exitCode}:\n${node.output()}`);
		const [finished] = await probeRuns(db.url, "terminated");
		expect(finished?.finished_at).not.toBeNull();
		expect(await jobState(db.url, id)).toBe("completed");
	});
});

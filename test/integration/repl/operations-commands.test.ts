import { randomUUID } from "node:crypto";
import type { ServiceBroker } from "moleculer";
import type { JobView } from "../../../platform/jobs/index.ts";
import { jobCommands, nodeCommands } from "../../../platform/repl/index.ts";
import { startBroker } from "../../support/broker.ts";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { eventually } from "../../support/eventually.ts";
import { createProbeTable } from "../../support/job-probe.ts";
import { runCommand } from "../../support/repl.ts";
import { requireServers, SERVERS } from "../../support/servers.ts";

const run = (broker: ServiceBroker, name: string, params: object) => runCommand([...jobCommands, ...nodeCommands], broker, name, params);

describe("REPL commands for jobs and nodes", () => {
	const namespace = `t-${randomUUID().slice(0, 8)}`;
	let db: TestDatabase;
	let broker: ServiceBroker;
	let other: ServiceBroker;
	let deadId: string;

	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka", "nats");
		db = await createTestDatabase("repl_ops");
		await createProbeTable(db.url);
		const env = {
			PLATFORM_POSTGRES__URL: db.url,
			PLATFORM_EVENTS__TOPIC_PREFIX: `${db.name}.`,
			PLATFORM_TRANSPORTER__URL: SERVERS.nats,
			PLATFORM_NODE__NAMESPACE: namespace,
		};
		broker = await startBroker(
			["services/system/system.service.ts", "services/jobs/jobs.service.ts", "test/fixtures/job-probe/probe.service.ts"],
			{ ...env, PLATFORM_NODE__ID: `${namespace}-a` },
		);
		// A second node without the system module: it must still get its line.
		other = await startBroker([], { ...env, PLATFORM_NODE__ID: `${namespace}-b` });
		await eventually("the other node", async () => (broker.registry.nodes.get(other.nodeID)?.available ? true : undefined), 10_000);
		({ id: deadId } = await broker.call<{ id: string }, object>("jobs.enqueue", {
			job: "probe.flaky",
			payload: { marker: "repl-dead", failTimes: 4 },
		}));
		await eventually(
			"a dead job",
			async () =>
				(await broker.call<JobView, object>("jobs.get", { job: "probe.flaky", id: deadId })).state === "dead" ? true : undefined,
			20_000,
		);
	}, 60_000);
	afterAll(async () => {
		await other?.stop();
		await broker?.stop();
		await db?.drop();
	});

	it("lists a queue's jobs with state, attempts and times, filtered by state", async () => {
		const printed = await run(broker, "jobs", { job: "probe.flaky", state: "dead" });
		expect(printed).toMatch(/^id \| job \| state \| attempts \| created \| next run$/m);
		expect(printed).toMatch(new RegExp(`^${deadId} \\| probe\\.flaky \\| dead \\| 4/4 \\| \\d{4}-`, "m"));
		expect(await run(broker, "jobs", { job: "probe.flaky", state: "succeeded" })).not.toContain(deadId);
	});

	it("inspects one job with each failed attempt's error", async () => {
		const printed = await run(broker, "job", { job: "probe.flaky", id: deadId });
		expect(printed).toContain(`"id":"${deadId}"`);
		for (const attempt of [1, 2, 3, 4]) expect(printed).toMatch(new RegExp(`^${attempt} \\| .* \\| planned failure ${attempt}$`, "m"));
	});

	it("retries a dead job, and refuses one that is not dead", async () => {
		const printed = await run(broker, "retry-job", { job: "probe.flaky", id: deadId });
		expect(JSON.parse(printed)).toMatchObject({ id: deadId });
		expect(JSON.parse(printed).state).not.toBe("dead");
		await expect(run(broker, "retry-job", { job: "probe.flaky", id: deadId })).rejects.toThrow(/only a dead job can be retried/);
	});

	it("prints every node's readiness with each check's status and latency", async () => {
		const printed = await run(broker, "nodes-health", {});
		expect(printed).toMatch(/^node \| state \| status \| checks$/m);
		expect(printed).toMatch(new RegExp(`^${broker.nodeID} \\| ready \\| ok \\| .*postgres ok [\\d.]+ms.*redis ok [\\d.]+ms`, "m"));
		expect(printed).toMatch(new RegExp(`^${other.nodeID} \\| +\\| no answer \\| .*system\\.health`, "m"));
	});
});

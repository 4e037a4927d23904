import { type ChildProcess, spawn } from "node:child_process";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { eventually, type NodeProcess, startNode } from "../support/node-process.ts";
import { freePort } from "../support/ports.ts";
import { requireServers } from "../support/servers.ts";

/** A Redis of this test's own, so stopping it disturbs nothing else on the machine. */
function startRedis(port: number): Promise<ChildProcess> {
	const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
		stdio: "pipe",
	});
	return new Promise((resolve, reject) => {
		child.once("error", reject);
		child.stdout.on("data", (chunk: Buffer) => {
			if (chunk.toString().includes("Ready to accept connections")) resolve(child);
		});
	});
}

type ReadyBody = { status: string; state: string; checks: Record<string, { status: string; latencyMs: number }> };

async function readyz(node: NodeProcess): Promise<{ status: number; body: ReadyBody }> {
	const res = await fetch(`http://127.0.0.1:${node.opsPort}/readyz`);
	return { status: res.status, body: (await res.json()) as ReadyBody };
}

describe("readiness follows the servers", () => {
	let db: TestDatabase;
	let redisPort: number;
	let redis: ChildProcess;
	let node: NodeProcess;

	beforeAll(async () => {
		await requireServers("postgres", "kafka");
		db = await createTestDatabase("ready");
		redisPort = await freePort();
		redis = await startRedis(redisPort);
		node = await startNode({ env: { PLATFORM_POSTGRES__URL: db.url, PLATFORM_REDIS__URL: `redis://127.0.0.1:${redisPort}` } });
	});
	afterAll(async () => {
		await node?.stop();
		redis?.kill("SIGKILL");
		await db?.drop();
	});

	it("answers 200 with each check's status and latency when everything is up", async () => {
		const { status, body } = await readyz(node);
		expect(status).toBe(200);
		expect(body.state).toBe("ready");
		expect(Object.keys(body.checks).sort()).toEqual(["kafka", "postgres", "redis", "transporter"]);
		for (const check of Object.values(body.checks)) {
			expect(check.status).toBe("ok");
			expect(check.latencyMs).toEqual(expect.any(Number));
		}
		expect((await fetch(`http://127.0.0.1:${node.opsPort}/healthz`)).status).toBe(200);
	});

	it("turns 503 naming redis when Redis stops, and 200 again when it is back, without a restart", async () => {
		redis.kill("SIGKILL");
		await eventually(async () => (await readyz(node)).status === 503, 10_000, "readiness 503");
		const down = await readyz(node);
		expect(down.body.checks.redis?.status).toBe("fail");
		expect(down.body.checks.postgres?.status).toBe("ok");

		redis = await startRedis(redisPort);
		await eventually(async () => (await readyz(node)).status === 200, 15_000, "readiness 200 again");
		expect(node.child.exitCode).toBeNull();
	});
});

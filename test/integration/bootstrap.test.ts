import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { eventually } from "../support/eventually.ts";
import { startNode } from "../support/node-process.ts";
import { freePort } from "../support/ports.ts";
import { repeatedKeys } from "../support/repeated-keys.ts";
import { requireServers } from "../support/servers.ts";
import { signedIn } from "../support/tokens.ts";

/** Lines of the node's JSON log whose `msg` matches. */
function logLines(output: string, msg: RegExp): Record<string, unknown>[] {
	return output
		.split("\n")
		.filter((line) => line.startsWith("{"))
		.map((line) => JSON.parse(line) as Record<string, unknown>)
		.filter((entry) => msg.test(String(entry.msg)));
}

describe("node bootstrap", () => {
	let db: TestDatabase;
	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka");
		db = await createTestDatabase("boot");
	});
	afterAll(() => db.drop());

	it("runs the phases in order, each logged with its duration, then turns ready", async () => {
		const node = await startNode({ env: { PLATFORM_POSTGRES__URL: db.url, PLATFORM_LOG__LEVEL: "info" } });
		try {
			const phases = logLines(node.output(), /^bootstrap phase \w+ done$/).map((e) => [e.phase, typeof e.ms]);
			expect(phases).toEqual([
				["telemetry", "number"],
				["ops", "number"],
				["modules", "number"],
				["connect", "number"],
				["migrations", "number"],
				["providers", "number"],
			]);
			// /readyz answers as soon as readiness flips; the log line right after it may still be in the pipe.
			const ready = await eventually("the node ready line", async () => logLines(node.output(), /^node ready$/)[0], 5_000);
			expect(ready).toMatchObject({
				nodeID: node.nodeID,
				modules: ["api", "audit", "authz", "grpc", "identity", "jobs", "ledger", "system", "webhooks"],
			});
			const headers = await signedIn(`http://127.0.0.1:${node.apiPort}`);
			const info = await (await fetch(`http://127.0.0.1:${node.apiPort}/api/v1/system/info`, { headers })).json();
			expect(info).toMatchObject({ nodeID: node.nodeID, env: "test" });
		} finally {
			expect(await node.stop()).toBe(0);
		}
	});

	it("writes every key of a log line once, whoever wrote the line", async () => {
		const node = await startNode({ env: { PLATFORM_POSTGRES__URL: db.url, PLATFORM_LOG__LEVEL: "debug" } });
		try {
			const base = `http://127.0.0.1:${node.apiPort}`;
			// A refused call (the error bus), an unknown route (the gateway), then a registration and a login.
			await fetch(`${base}/api/v1/auth/login`, { method: "POST", body: JSON.stringify({ email: "x@example.com", password: "wrong" }) });
			await fetch(`${base}/api/v1/nowhere`);
			await signedIn(base);
		} finally {
			expect(await node.stop()).toBe(0);
		}
		const lines = node
			.output()
			.split("\n")
			.filter((line) => line.startsWith("{"));
		expect(lines.length).toBeGreaterThan(100);
		expect(lines.filter((line) => repeatedKeys(line).length > 0)).toEqual([]);
	});

	it("starts a module only after the modules it depends on", async () => {
		const node = await startNode({
			services: ["test/fixtures/order/services"],
			env: {
				PLATFORM_POSTGRES__URL: db.url,
				PLATFORM_LOG__LEVEL: "info",
				PLATFORM_MODULES__DIR: "test/fixtures/order/services",
			},
		});
		await node.stop();
		const started = logLines(node.output(), /^fixture \w+ started$/).map((e) => e.msg);
		expect(started).toEqual(["fixture alpha started", "fixture beta started"]);
	});

	it("starts a single module on its own node", async () => {
		const node = await startNode({ services: ["services/system"], env: { PLATFORM_POSTGRES__URL: db.url, PLATFORM_LOG__LEVEL: "info" } });
		await node.stop();
		expect(logLines(node.output(), /^node ready$/)[0]).toMatchObject({ modules: ["system"] });
	});

	it("exits non-zero before serving on an invalid config, listing every bad key", async () => {
		const node = await startNode({ waitReady: false, env: { PLATFORM_API__PORT: "-1", PLATFORM_LOG__LEVL: "debug" } });
		expect(await node.exited).not.toBe(0);
		expect(node.output()).toMatch(/bootstrap phase "config" failed/);
		expect(node.output()).toMatch(/api\.port: .*\(from env PLATFORM_API__PORT\)/);
		expect(node.output()).toMatch(/log\.levl: unknown key \(from env PLATFORM_LOG__LEVL\)/);
		expect(node.output()).not.toMatch(/ops endpoints on/);
	});

	it("exits non-zero on an invalid manifest, naming the file and the fields", async () => {
		const node = await startNode({
			waitReady: false,
			env: { PLATFORM_POSTGRES__URL: db.url, PLATFORM_MODULES__DIR: "test/fixtures/bad-manifest/services" },
		});
		expect(await node.exited).not.toBe(0);
		expect(node.output()).toMatch(/bootstrap phase "modules" failed/);
		expect(node.output()).toMatch(/broken\/module\.yaml: version: must be a semantic version/);
		expect(node.output()).toMatch(/broken\/module\.yaml: owner: unknown key/);
	});

	it("retries an unreachable Postgres, then fails naming its address", async () => {
		const deadPort = await freePort();
		const started = Date.now();
		const node = await startNode({
			waitReady: false,
			env: { PLATFORM_POSTGRES__URL: `postgres://postgres@127.0.0.1:${deadPort}/x`, PLATFORM_BOOTSTRAP__CONNECT_TIMEOUT_MS: "1500" },
		});
		expect(await node.exited).not.toBe(0);
		expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
		expect(node.output()).toMatch(
			new RegExp(
				`bootstrap phase "connect" failed: postgres at postgres://postgres@127\\.0\\.0\\.1:${deadPort}/x unreachable after [2-9]\\d* attempt`,
			),
		);
	});
});

import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { type NodeProcess, startNode } from "../support/node-process.ts";
import { requireServers } from "../support/servers.ts";
import { signedIn } from "../support/tokens.ts";

const run = promisify(execFile);

/** The value of the sample `name` whose labels include `labels`, in any order. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
	const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
	const line = text.split("\n").find((l) => l.startsWith(`${name}{`) && wanted.every((pair) => l.includes(pair)));
	return line === undefined ? undefined : Number(line.split(" ").at(-1));
}

describe("GET /metrics", () => {
	let db: TestDatabase;
	let node: NodeProcess;
	let text: string;

	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka");
		db = await createTestDatabase("metrics");
		node = await startNode({ env: { PLATFORM_POSTGRES__URL: db.url } });
		for (let i = 0; i < 3; i++) await fetch(`http://127.0.0.1:${node.apiPort}/api/v1/system/ping`);
		const headers = await signedIn(`http://127.0.0.1:${node.apiPort}`);
		await fetch(`http://127.0.0.1:${node.apiPort}/api/v1/system/starts?limit=0`, { headers });
		await fetch(`http://127.0.0.1:${node.apiPort}/api/v1/nowhere`);
		text = await (await fetch(`http://127.0.0.1:${node.opsPort}/metrics`)).text();
	});
	afterAll(async () => {
		await node?.stop();
		await db?.drop();
	});

	it("counts HTTP requests by route, method and status", () => {
		expect(sample(text, "platform_http_requests_total", { route: "GET /api/v1/system/ping", method: "GET", status: "200" })).toBe(3);
		expect(sample(text, "platform_http_requests_total", { route: "GET /api/v1/system/starts", method: "GET", status: "422" })).toBe(1);
		expect(sample(text, "platform_http_requests_total", { route: "unmatched", method: "GET", status: "404" })).toBe(1);
		expect(sample(text, "platform_http_request_duration_seconds_count", { route: "GET /api/v1/system/ping", status: "200" })).toBe(3);
	});

	it("counts and times action calls by action and outcome", () => {
		expect(sample(text, "platform_action_calls_total", { action: "system.ping", outcome: "ok" })).toBe(3);
		expect(sample(text, "platform_action_duration_seconds_count", { action: "system.ping", outcome: "ok" })).toBe(3);
	});

	it("includes the process metrics", () => {
		expect(text).toMatch(/^process_resident_memory_bytes\{node="[^"]+"\} \d+/m);
		expect(text).toMatch(/^nodejs_eventloop_lag_seconds\{node="[^"]+"\} /m);
	});

	it("is accepted by promtool check metrics", async () => {
		const child = run("promtool", ["check", "metrics"]);
		child.child.stdin?.end(text);
		const { stdout, stderr } = await child;
		expect(stdout + stderr).toBe("");
	});
});

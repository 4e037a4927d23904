import { status } from "@grpc/grpc-js";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { eventually } from "../support/eventually.ts";
import { grpcClient } from "../support/grpc-client.ts";
import { type NodeProcess, startNode } from "../support/node-process.ts";
import { requireServers } from "../support/servers.ts";

/** The node's JSON lines whose `msg` is one of the access log's. */
function accessLines(node: NodeProcess): Record<string, unknown>[] {
	return node
		.output()
		.split("\n")
		.filter((line) => line.startsWith("{"))
		.map((line) => JSON.parse(line) as Record<string, unknown>)
		.filter((entry) => entry.msg === "request answered" || entry.msg === "call answered");
}

describe("the access log", () => {
	let db: TestDatabase;
	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka");
		db = await createTestDatabase("accesslog");
	});
	afterAll(() => db?.drop());

	async function answeredOnce(node: NodeProcess) {
		const base = `http://127.0.0.1:${node.apiPort}`;
		const ping = await fetch(`${base}/api/v1/system/ping`, { headers: { "x-request-id": "access-1" } });
		const missing = await fetch(`${base}/api/v1/nowhere`);
		const grpc = grpcClient(node.grpcPort, ["identity/v1/identity.proto"]);
		try {
			const me = await grpc.call("identity.v1.IdentityService", "Me", {}, { "x-request-id": "access-2" });
			expect(me.code).toBe(status.UNAUTHENTICATED);
		} finally {
			grpc.close();
		}
		return { ping, missing };
	}

	it("writes one line per answered request and call, with its route, status, duration and ids", async () => {
		const node = await startNode({
			env: { PLATFORM_POSTGRES__URL: db.url, PLATFORM_REDIS__KEY_PREFIX: `${db.name}.`, PLATFORM_LOG__LEVEL: "info" },
		});
		try {
			const { ping, missing } = await answeredOnce(node);
			const traceOf = (res: Response) => res.headers.get("traceresponse")?.split("-")[1];
			const lines = await eventually(
				"three access lines",
				async () => (accessLines(node).length >= 3 ? accessLines(node) : undefined),
				5_000,
			);
			expect(lines).toEqual([
				expect.objectContaining({
					mod: "api",
					route: "GET /api/v1/system/ping",
					method: "GET",
					status: 200,
					durationMs: expect.any(Number),
					requestId: "access-1",
					traceId: traceOf(ping),
				}),
				expect.objectContaining({ route: "unmatched", status: 404, traceId: traceOf(missing) }),
				expect.objectContaining({
					mod: "grpc",
					method: "/identity.v1.IdentityService/Me",
					code: "UNAUTHENTICATED",
					durationMs: expect.any(Number),
					requestId: "access-2",
				}),
			]);
			// moleculer-web's own lines per request are at debug now: one line each, not three.
			expect(node.output()).not.toContain("<= 200");
			expect(node.output()).not.toContain("=> GET");
		} finally {
			await node.stop();
		}
	});

	it("writes none with log.accessLog off", async () => {
		const node = await startNode({
			env: {
				PLATFORM_POSTGRES__URL: db.url,
				PLATFORM_REDIS__KEY_PREFIX: `${db.name}.`,
				PLATFORM_LOG__LEVEL: "info",
				PLATFORM_LOG__ACCESS_LOG: "false",
			},
		});
		try {
			const { ping } = await answeredOnce(node);
			expect(ping.status).toBe(200);
		} finally {
			await node.stop();
		}
		expect(accessLines(node)).toEqual([]);
		expect(node.output()).toContain("node ready");
	});
});

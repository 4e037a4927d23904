import { join } from "node:path";
import { status } from "@grpc/grpc-js";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { eventually } from "../../support/eventually.ts";
import { grpcClient } from "../../support/grpc-client.ts";
import { type NodeProcess, PROJECT_ROOT, startNode } from "../../support/node-process.ts";
import { requireServers } from "../../support/servers.ts";

const FAULTY = "fixtures.v1.FaultyService";
const SLOW = "fixtures.v1.SlowService";
const PROTO_DIR = "test/fixtures/proto";

describe("the gRPC gateway when actions fail, time out, or the node stops", () => {
	let db: TestDatabase;
	let node: NodeProcess;
	let grpc: ReturnType<typeof grpcClient>;

	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka");
		db = await createTestDatabase("grpcfault");
		node = await startNode({
			services: ["services/grpc", "test/fixtures/faulty", "test/fixtures/slow"],
			env: {
				PLATFORM_POSTGRES__URL: db.url,
				PLATFORM_REDIS__KEY_PREFIX: `${db.name}.`,
				PLATFORM_GRPC__PROTO_DIR: PROTO_DIR,
				PLATFORM_GRPC__MAX_MESSAGE_BYTES: "65536",
				PLATFORM_SHUTDOWN__DRAIN_DELAY_MS: "1000",
			},
		});
		grpc = grpcClient(node.grpcPort, ["fixtures/v1/fixtures.proto"], join(PROJECT_ROOT, PROTO_DIR));
	});
	afterAll(async () => {
		grpc?.close();
		await node?.stop();
		await db?.drop();
	});

	it("answers INTERNAL without the error's insides, and goes on serving", async () => {
		const boom = await grpc.call(FAULTY, "Boom", {}, { "x-request-id": "trace-boom" });
		expect(boom).toMatchObject({ code: status.INTERNAL, trailers: { "error-code": "INTERNAL_ERROR", "x-request-id": "trace-boom" } });
		expect(boom.details).not.toMatch(/db-internal|admin|5432/);
		const traceId = boom.trailers["trace-id"];
		expect(traceId).toMatch(/^[0-9a-f]{32}$/);
		// The node's log line comes through its stdout pipe, which may deliver it after the answer.
		const logged = new RegExp(`"traceId":"${traceId}"[^\n]*"requestId":"trace-boom"[^\n]*request failed`);
		await eventually("the failure's log line", async () => (logged.test(node.output()) ? true : undefined), 5_000).catch(() => undefined);
		expect(node.output()).toMatch(logged);
		expect(await grpc.call(FAULTY, "Echo", { text: "still here" })).toMatchObject({ code: status.OK, value: { text: "still here" } });
	});

	it("maps conflicts, unavailability, undeclared and unserved actions to their codes", async () => {
		expect(await grpc.call(FAULTY, "Conflict", {})).toMatchObject({ code: status.ABORTED, details: "Account acc-1 already exists" });
		expect(await grpc.call(FAULTY, "Unavailable", {})).toMatchObject({
			code: status.UNAVAILABLE,
			details: "Read model behind; retry shortly",
		});
		expect(await grpc.call(FAULTY, "Undeclared", {})).toMatchObject({
			code: status.PERMISSION_DENIED,
			trailers: { "error-code": "NOT_EXPOSED" },
		});
		expect(await grpc.call(FAULTY, "Missing", {})).toMatchObject({ code: status.UNAVAILABLE });
	});

	it("passes messages through as the proto file shapes them", async () => {
		const message = { text: "hello", count: 9_007_199_254_740_991, tags: ["a", "b"], padding: Buffer.from([0, 1, 254, 255]) };
		expect((await grpc.call(FAULTY, "Echo", message)).value).toEqual(message);
	});

	it("passes an action a oneof's and an optional field's values, and no other keys", async () => {
		expect((await grpc.call(FAULTY, "Keys", { phone: "+49 30 1234", priority: 2 })).value).toEqual({ keys: ["phone", "priority"] });
	});

	it("refuses a message over the size limit with RESOURCE_EXHAUSTED", async () => {
		const answer = await grpc.call(FAULTY, "Echo", { padding: Buffer.alloc(100_000) });
		expect(answer.code).toBe(status.RESOURCE_EXHAUSTED);
	});

	it("makes the call's deadline the action's timeout, and its passing a warning", async () => {
		const started = Date.now();
		const answer = await grpc.call(SLOW, "Wait", { ms: 3_000 }, {}, 300);
		expect(answer.code).toBe(status.DEADLINE_EXCEEDED);
		expect(Date.now() - started).toBeLessThan(2_000);
		expect(await grpc.call(SLOW, "Wait", { ms: 50 }, {}, 2_000)).toMatchObject({ code: status.OK, value: { waited: 50 } });
		// Counted as ours (it may be a hang), but a warning without a stack and not for Sentry: the caller chose the time.
		const metrics = await (await fetch(`http://127.0.0.1:${node.opsPort}/metrics`)).text();
		expect(metrics).toMatch(/^platform_errors_total\{[^}]*kind="system"[^}]*code="REQUEST_TIMEOUT"[^}]*\} 1$/m);
		await eventually(
			"the warning",
			async () => (node.output().includes("request ran past the caller's deadline") ? true : undefined),
			5_000,
		);
		expect(node.output()).not.toMatch(/REQUEST_TIMEOUT[^\n]*request failed/);
	});

	it("drains on SIGTERM: NOT_SERVING at once, the call in flight answered, open watches ended, then the node exits 0", async () => {
		// A health watch never ends on its own; the drain must not wait for it until the deadline.
		const watch = grpc.watchHealth();
		await eventually("the watch reports SERVING", async () => (watch.statuses[0] === "SERVING" ? true : undefined), 5_000);
		const inFlight = grpc.call(SLOW, "Wait", { ms: 1_500 }, {}, 10_000);
		await new Promise((resolve) => setTimeout(resolve, 100));
		node.child.kill("SIGTERM");
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect((await grpc.call("grpc.health.v1.Health", "Check", { service: "" })).value).toEqual({ status: "NOT_SERVING" });
		expect(watch.statuses).toEqual(["SERVING", "NOT_SERVING"]);
		expect(await inFlight).toMatchObject({ code: status.OK, value: { waited: 1_500 } });
		expect(await node.exited).toBe(0);
		await watch.ended;
	});
});

import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { eventually } from "../support/eventually.ts";
import { type NodeProcess, startNode } from "../support/node-process.ts";
import { requireServers } from "../support/servers.ts";
import { signedIn } from "../support/tokens.ts";

type Answer = {
	status: number;
	contentType: string | null;
	requestId: string | null;
	traceresponse: string | null;
	body: Record<string, unknown>;
};

describe("REST errors: problem+json through one error bus", () => {
	let db: TestDatabase;
	let node: NodeProcess;
	const call = async (path: string, init?: RequestInit): Promise<Answer> => {
		const res = await fetch(`http://127.0.0.1:${node.apiPort}/api/v1${path}`, init);
		return {
			status: res.status,
			contentType: res.headers.get("content-type"),
			requestId: res.headers.get("x-request-id"),
			traceresponse: res.headers.get("traceresponse"),
			body: (await res.json()) as Record<string, unknown>,
		};
	};

	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka");
		db = await createTestDatabase("resterr");
		node = await startNode({ services: ["services", "test/fixtures/faulty"], env: { PLATFORM_POSTGRES__URL: db.url } });
	});
	afterAll(async () => {
		await node?.stop();
		await db?.drop();
	});

	it("answers an unexpected failure 500 with a trace id and nothing of the error itself", async () => {
		const answer = await call("/faulty/boom");
		expect(answer).toMatchObject({ status: 500, contentType: "application/problem+json" });
		// The W3C trace id the request ran under (traceresponse: 00-<trace id>-<span id>-<flags>).
		const traceId = answer.traceresponse?.split("-")[1];
		expect(traceId).toMatch(/^[0-9a-f]{32}$/);
		expect(answer.body).toMatchObject({ status: 500, code: "INTERNAL_ERROR", title: "Internal error", traceId });
		// The log line of the failure has both ids, so the one a caller quotes finds it.
		const line = new RegExp(`"traceId":"${traceId}"[^\n]*"requestId":"${answer.requestId}"[^\n]*request failed`);
		expect(await eventually("the failure's log line", async () => line.exec(node.output())?.[0], 5_000)).toBeDefined();
		expect(JSON.stringify(answer.body)).not.toMatch(/db-internal|admin|stack|at /);
		// The node keeps serving.
		expect((await fetch(`http://127.0.0.1:${node.apiPort}/api/v1/system/ping`)).status).toBe(200);
	});

	it("answers invalid parameters 422 naming each field and the reason", async () => {
		const answer = await call("/system/starts?limit=1000", { headers: await signedIn(`http://127.0.0.1:${node.apiPort}`) });
		expect(answer).toMatchObject({ status: 422, contentType: "application/problem+json" });
		expect(answer.body).toMatchObject({
			status: 422,
			code: "VALIDATION_FAILED",
			errors: [{ field: "limit", reason: expect.stringContaining("100") }],
		});
	});

	it("keeps a business error's status, code and message", async () => {
		expect((await call("/faulty/conflict")).body).toMatchObject({
			status: 409,
			code: "ACCOUNT_EXISTS",
			detail: "Account acc-1 already exists",
		});
		expect((await call("/faulty/unavailable")).body).toMatchObject({
			status: 503,
			code: "READ_MODEL_BEHIND",
			detail: "Read model behind; retry shortly",
		});
	});

	it("answers the gateway's own refusals the same way: unknown route 404, bad JSON 400, body over 1 MB 413", async () => {
		expect(await call("/nowhere")).toMatchObject({ status: 404, contentType: "application/problem+json", body: { status: 404 } });
		const json = { method: "POST", headers: { "content-type": "application/json" } };
		expect(await call("/faulty/echo", { ...json, body: "{not json" })).toMatchObject({ status: 400, body: { status: 400 } });
		const big = JSON.stringify({ blob: "x".repeat(1_100_000) });
		expect(await call("/faulty/echo", { ...json, body: big })).toMatchObject({ status: 413, body: { status: 413 } });
		expect(await call("/faulty/echo", { ...json, body: JSON.stringify({ ok: true }) })).toMatchObject({ status: 200, body: { ok: true } });
	});

	it("refuses a body that is not JSON with 415 instead of running on the query string alone", async () => {
		const text = { method: "POST", headers: { "content-type": "text/plain" }, body: "email=a@example.com" };
		expect(await call("/faulty/echo?ok=true", text)).toMatchObject({
			status: 415,
			contentType: "application/problem+json",
			body: { status: 415, code: "UNSUPPORTED_MEDIA_TYPE" },
		});
		const form = { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "ok=true" };
		expect((await call("/faulty/echo", form)).status).toBe(415);
		// A call without a body needs no content type.
		expect(await call("/faulty/echo?ok=true", { method: "POST" })).toMatchObject({ status: 200 });
	});

	it("counts errors by kind and code", async () => {
		const text = await (await fetch(`http://127.0.0.1:${node.opsPort}/metrics`)).text();
		const count = (kind: string, code: string) =>
			Number(
				text
					.split("\n")
					.find((l) => l.startsWith("platform_errors_total{") && l.includes(`kind="${kind}"`) && l.includes(`code="${code}"`))
					?.split(" ")
					.at(-1) ?? 0,
			);
		expect(count("system", "INTERNAL_ERROR")).toBe(1);
		expect(count("business", "ACCOUNT_EXISTS")).toBe(1);
		expect(count("business", "VALIDATION_FAILED")).toBe(1);
	});
});

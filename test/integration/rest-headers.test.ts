import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { type NodeProcess, startNode } from "../support/node-process.ts";
import { requireServers } from "../support/servers.ts";

describe("security headers and CORS on the REST gateway", () => {
	let db: TestDatabase;
	let node: NodeProcess;
	const url = (path: string) => `http://127.0.0.1:${node.apiPort}${path}`;

	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka");
		db = await createTestDatabase("resthead");
		node = await startNode({
			env: {
				PLATFORM_POSTGRES__URL: db.url,
				PLATFORM_REDIS__KEY_PREFIX: `${db.name}.`,
				PLATFORM_API__CORS_ORIGINS: "[https://app.example.com]",
				PLATFORM_API__HSTS_MAX_AGE_SECONDS: "31536000",
			},
		});
	});
	afterAll(async () => {
		await node?.stop();
		await db?.drop();
	});

	it("sends the security headers on answers and on errors, the gateway's own included", async () => {
		for (const [path, status] of [
			["/api/v1/system/ping", 200],
			["/api/v1/system/info", 401],
			["/api/v1/nothing/here", 404],
		] as const) {
			const res = await fetch(url(path));
			expect(res.status).toBe(status);
			expect(Object.fromEntries(res.headers)).toMatchObject({
				"x-content-type-options": "nosniff",
				"x-frame-options": "DENY",
				"content-security-policy": "default-src 'none'; frame-ancestors 'none'",
				"referrer-policy": "no-referrer",
				"cache-control": "no-store",
				"strict-transport-security": "max-age=31536000; includeSubDomains",
			});
		}
	});

	it("answers a preflight from a configured origin, and lets its scripts read the headers they need", async () => {
		const preflight = await fetch(url("/api/v1/ledger/accounts"), {
			method: "OPTIONS",
			headers: {
				origin: "https://app.example.com",
				"access-control-request-method": "POST",
				"access-control-request-headers": "authorization, content-type",
			},
		});
		expect(preflight.status).toBe(204);
		expect(preflight.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
		expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
		expect(preflight.headers.get("access-control-allow-headers")).toContain("Authorization");
		expect(preflight.headers.get("access-control-max-age")).toBe("600");

		const call = await fetch(url("/api/v1/system/ping"), { headers: { origin: "https://app.example.com" } });
		expect(call.status).toBe(200);
		expect(call.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
		expect(call.headers.get("vary")).toContain("Origin");
		expect(call.headers.get("access-control-expose-headers")).toContain("RateLimit-Remaining");
	});

	it("refuses a call from an origin it does not know, as problem+json", async () => {
		const res = await fetch(url("/api/v1/system/ping"), { headers: { origin: "https://evil.example.net" } });
		expect(res.status).toBe(403);
		expect(res.headers.get("content-type")).toContain("application/problem+json");
		expect(res.headers.get("access-control-allow-origin")).toBeNull();
	});
});

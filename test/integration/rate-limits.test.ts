import { generateKeyPairSync } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { requestJson } from "../support/http.ts";
import { type NodeProcess, startNode } from "../support/node-process.ts";
import { requireServers } from "../support/servers.ts";
import { signedIn } from "../support/tokens.ts";

describe("rate limits through the REST gateway, shared by the nodes", () => {
	let db: TestDatabase;
	let nodes: NodeProcess[];
	const base = (i: number) => `http://127.0.0.1:${nodes[i]?.apiPort}`;
	const ping = (i: number, headers: Record<string, string> = {}) => requestJson(`${base(i)}/api/v1/system/ping`, { headers });

	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka");
		db = await createTestDatabase("ratelimits");
		const env = {
			PLATFORM_POSTGRES__URL: db.url,
			PLATFORM_REDIS__KEY_PREFIX: `${db.name}.`,
			PLATFORM_RATE_LIMITS__PER_IP: "{points: 6, durationSeconds: 60}",
			PLATFORM_RATE_LIMITS__PER_USER: "{points: 4, durationSeconds: 60}",
			PLATFORM_RATE_LIMITS__ACTIONS: "{identity.register: {perIp: {points: 2, durationSeconds: 60}}}",
			// One cluster, one signing key: a token from one node is good on the others.
			PLATFORM_AUTH__SIGNING_KEY: generateKeyPairSync("ed25519").privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
		};
		// The first node believes nobody's X-Forwarded-For; the others believe loopback's (a proxy in front of them).
		const behindProxy = { ...env, PLATFORM_API__TRUSTED_PROXIES: "[127.0.0.1]" };
		nodes = await Promise.all([startNode({ env }), startNode({ env: behindProxy }), startNode({ env: behindProxy })]);
	});
	afterAll(async () => {
		await Promise.all((nodes ?? []).map((n) => n.stop()));
		await db?.drop();
	});

	it("counts one IP's calls on both nodes together, and a spoofed X-Forwarded-For from an untrusted peer changes nothing", async () => {
		const spoofed = (n: number) => ({ "x-forwarded-for": `198.51.100.${n}` });
		const first = await ping(0, spoofed(1));
		expect(first.status).toBe(200);
		expect(first.headers.get("ratelimit-limit")).toBe("6");
		expect(first.headers.get("ratelimit-remaining")).toBe("5");
		expect(first.headers.get("ratelimit-policy")).toBe("6;w=60");
		for (let n = 2; n <= 6; n++) expect((await ping(0, spoofed(n))).status).toBe(200);

		const refused = await ping(0, spoofed(7));
		expect(refused).toMatchObject({ status: 429, body: { status: 429, code: "RATE_LIMITED" } });
		expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
		expect(refused.headers.get("ratelimit-remaining")).toBe("0");
		// The other node knows 127.0.0.1 as a proxy: without a forwarded address the caller is loopback, already spent.
		expect((await ping(1)).status).toBe(429);
	});

	it("believes X-Forwarded-For from a trusted proxy: each forwarded client has its own count", async () => {
		const client = { "x-forwarded-for": "203.0.113.10" };
		for (let n = 1; n <= 6; n++) expect((await ping(1, client)).status).toBe(200);
		expect((await ping(1, client)).status).toBe(429);
		expect((await ping(1, { "x-forwarded-for": "203.0.113.11" })).status).toBe(200);
	});

	it("counts a signed-in user's calls on both nodes together, whichever address they come from", async () => {
		const proxy = (n: number) => ({ "x-forwarded-for": `192.0.2.${n}` });
		// Signing in comes from a forwarded address of its own, and counts nowhere for the user: it had no token yet.
		const user = await signedIn(base(1), undefined, proxy(100));
		const calls = [1, 2, 1, 2].map((node, i) =>
			requestJson(`${base(node)}/api/v1/me`, { headers: { ...user, ...proxy(i + 1) } }).then((r) => r.status),
		);
		expect(await Promise.all(calls)).toEqual([200, 200, 200, 200]);
		const over = await requestJson(`${base(2)}/api/v1/me`, { headers: { ...user, ...proxy(9) } });
		expect(over).toMatchObject({ status: 429, body: { code: "RATE_LIMITED" } });
		expect(over.headers.get("ratelimit-limit")).toBe("4");
	});

	it("keeps an action's own limit apart from the defaults", async () => {
		const client = { "content-type": "application/json", "x-forwarded-for": "203.0.113.50" };
		const register = (n: number) =>
			requestJson(`${base(1)}/api/v1/auth/register`, {
				headers: client,
				body: { email: `limited${n}@example.com`, password: "limited password", displayName: "Limited" },
			});
		expect((await register(1)).status).toBe(201);
		const second = await register(2);
		expect(second.status).toBe(201);
		expect(second.headers.get("ratelimit-policy")).toBe("2;w=60");
		expect(await register(3)).toMatchObject({ status: 429, body: { code: "RATE_LIMITED" } });
		// The same client may still call everything else.
		expect((await ping(1, { "x-forwarded-for": "203.0.113.50" })).status).toBe(200);
	});
});

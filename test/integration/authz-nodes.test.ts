import { generateKeyPairSync } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { eventually } from "../support/eventually.ts";
import { requestJson } from "../support/http.ts";
import { type NodeProcess, startNode } from "../support/node-process.ts";
import { requireServers } from "../support/servers.ts";
import { signedIn } from "../support/tokens.ts";

describe("role changes reach every node at once", () => {
	let db: TestDatabase;
	let nodes: NodeProcess[];
	const base = (i: number) => `http://127.0.0.1:${nodes[i]?.apiPort}`;

	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka");
		db = await createTestDatabase("authznodes");
		const env = {
			PLATFORM_POSTGRES__URL: db.url,
			PLATFORM_REDIS__KEY_PREFIX: `${db.name}.`,
			PLATFORM_AUTHZ__ROLES: "{admin: ['*'], operator: [system:info:read]}",
			PLATFORM_AUTH__SIGNING_KEY: generateKeyPairSync("ed25519").privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
		};
		nodes = await Promise.all([startNode({ env }), startNode({ env })]);
	});
	afterAll(async () => {
		await Promise.all((nodes ?? []).map((n) => n.stop()));
		await db?.drop();
	});

	it("answers a grant and a revoke made on one node on the other with the next requests, though it keeps roles in memory", async () => {
		const admin = await signedIn(base(0));
		const member = await signedIn(base(0), { email: "op@example.com", password: "operator password", displayName: "Op" });
		const memberId = (await requestJson(`${base(0)}/api/v1/me`, { headers: member })).body.id as string;
		const info = () => requestJson(`${base(1)}/api/v1/system/info`, { headers: member }).then((r) => r.status);
		// Node 1 now holds the member's (empty) roles in memory.
		expect(await info()).toBe(403);

		const granted = Date.now();
		expect((await requestJson(`${base(0)}/api/v1/users/${memberId}/roles`, { headers: admin, body: { role: "operator" } })).status).toBe(
			200,
		);
		await eventually("node 1 to see the grant", async () => ((await info()) === 200 ? true : undefined), 4_000);
		// Well inside the 5 s a node keeps roles in memory: the announcement, not the expiry, did it.
		expect(Date.now() - granted).toBeLessThan(1_000);

		const revoked = Date.now();
		const revoke = await requestJson(`${base(0)}/api/v1/users/${memberId}/roles/operator`, { headers: admin, method: "DELETE" });
		expect(revoke.status).toBe(200);
		await eventually("node 1 to see the revoke", async () => ((await info()) === 403 ? true : undefined), 4_000);
		expect(Date.now() - revoked).toBeLessThan(1_000);
	});
});

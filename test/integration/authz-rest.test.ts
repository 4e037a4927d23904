import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { requestJson } from "../support/http.ts";
import { type NodeProcess, startNode } from "../support/node-process.ts";
import { requireServers } from "../support/servers.ts";
import { signedIn } from "../support/tokens.ts";

describe("authorization through the REST gateway", () => {
	let db: TestDatabase;
	let node: NodeProcess;
	let base: string;
	let admin: { authorization: string };
	let member: { authorization: string };
	let memberId: string;
	const http = (path: string, headers: Record<string, string> = {}, method = "GET", body?: object) =>
		requestJson(`${base}${path}`, { method, headers, body });

	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka");
		db = await createTestDatabase("authz");
		node = await startNode({
			services: ["services", "test/fixtures/faulty"],
			env: {
				PLATFORM_POSTGRES__URL: db.url,
				PLATFORM_REDIS__KEY_PREFIX: `${db.name}.`,
				PLATFORM_AUTHZ__ROLES: "{admin: ['*'], operator: [system:info:read]}",
			},
		});
		base = `http://127.0.0.1:${node.apiPort}`;
		admin = await signedIn(base);
		member = await signedIn(base, { email: "member@example.com", password: "member password", displayName: "Member" });
		memberId = (await http("/api/v1/me", member)).body.id as string;
	});
	afterAll(async () => {
		await node?.stop();
		await db?.drop();
	});

	it("serves public actions to anyone and refuses the rest without a caller (401) or a permission (403)", async () => {
		expect((await http("/api/v1/system/ping")).status).toBe(200);
		expect(await http("/api/v1/system/info")).toMatchObject({ status: 401, body: { code: "TOKEN_MISSING" } });
		expect(await http("/api/v1/system/info", member)).toMatchObject({
			status: 403,
			body: { code: "FORBIDDEN", detail: "Missing permission system:info:read" },
		});
		expect((await http("/api/v1/system/info", admin)).status).toBe(200);
		// Refused before the parameters are looked at.
		expect((await http("/api/v1/system/starts?limit=1000")).status).toBe(401);
	});

	it("refuses an action that declares no permissions, whoever calls", async () => {
		expect(await http("/api/v1/faulty/undeclared", admin)).toMatchObject({ status: 403, body: { code: "NOT_EXPOSED" } });
	});

	it("grants and revokes roles as events, effective with the next request", async () => {
		const granted = await http(`/api/v1/users/${memberId}/roles`, admin, "POST", { role: "operator" });
		expect(granted).toMatchObject({ status: 200, body: { userId: memberId, roles: ["operator"] } });
		expect((await http("/api/v1/system/info", member)).status).toBe(200);
		expect(await http(`/api/v1/users/${memberId}/roles`, admin)).toMatchObject({ status: 200, body: { roles: ["operator"] } });

		expect((await http(`/api/v1/users/${memberId}/roles/operator`, admin, "DELETE")).status).toBe(200);
		expect((await http("/api/v1/system/info", member)).status).toBe(403);
	});

	it("lets only holders of authz:roles:write grant, and only roles config defines", async () => {
		expect((await http(`/api/v1/users/${memberId}/roles`, member, "POST", { role: "admin" })).status).toBe(403);
		const unknown = await http(`/api/v1/users/${memberId}/roles`, admin, "POST", { role: "wizard" });
		expect(unknown).toMatchObject({ status: 422, body: { errors: [{ field: "role", reason: "is not a role defined in authz.roles" }] } });
	});
});

import { generateKeyPairSync, randomUUID } from "node:crypto";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { eventually } from "../../support/eventually.ts";
import { requestJson } from "../../support/http.ts";
import { type NodeProcess, startNode } from "../../support/node-process.ts";
import { requireServers, SERVERS } from "../../support/servers.ts";
import { signedIn } from "../../support/tokens.ts";

const BOSS = { email: "boss@example.com", password: "the configured password", displayName: "Boss" };
const adminEnv = (admin: { email: string; password: string }) => `{email: ${admin.email}, password: ${admin.password}}`;

describe("the first administrator (authz.admin)", () => {
	let db: TestDatabase;
	const nodes: NodeProcess[] = [];
	const start = async (env: Record<string, string>, services = ["services/api", "services/identity", "services/authz"]) => {
		const node = await startNode({
			services,
			env: { PLATFORM_POSTGRES__URL: db.url, PLATFORM_REDIS__KEY_PREFIX: `${db.name}.`, ...env },
		});
		nodes.push(node);
		return node;
	};
	const rolesOf = async (base: string, who: { authorization: string }) => {
		const me = await requestJson(`${base}/api/v1/me`, { headers: who });
		return requestJson(`${base}/api/v1/users/${me.body.id}/roles`, { headers: who });
	};
	const grantedEvents = async () => {
		const client = new pg.Client({ connectionString: db.url });
		await client.connect();
		try {
			const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM events WHERE type = 'authz.RoleGranted'");
			return rows[0]?.n;
		} finally {
			await client.end();
		}
	};

	beforeEach(async () => {
		await requireServers("postgres", "redis", "kafka", "nats");
		db = await createTestDatabase("first_admin");
	});
	afterEach(async () => {
		await Promise.all(nodes.splice(0).map((node) => node.stop()));
		await db?.drop();
	});

	it("is registered and granted admin once, by nodes starting together", async () => {
		const [a, b] = await Promise.all([start({ PLATFORM_AUTHZ__ADMIN: adminEnv(BOSS) }), start({ PLATFORM_AUTHZ__ADMIN: adminEnv(BOSS) })]);
		for (const node of [a, b]) {
			const base = `http://127.0.0.1:${node?.apiPort}`;
			expect(await rolesOf(base, await signedIn(base, BOSS))).toMatchObject({ status: 200, body: { roles: ["admin"] } });
		}
		expect(await grantedEvents()).toBe(1);
	});

	it("is not whoever registered the configured email first", async () => {
		const early = await start({ PLATFORM_AUTHZ__ADMIN: adminEnv({ email: "someone@example.com", password: "another long password" }) });
		const squatter = { ...BOSS, password: "the squatter's password" };
		await signedIn(`http://127.0.0.1:${early.apiPort}`, squatter);

		const node = await start({ PLATFORM_AUTHZ__ADMIN: adminEnv(BOSS) });
		const base = `http://127.0.0.1:${node.apiPort}`;
		expect(await rolesOf(base, await signedIn(base, squatter))).toMatchObject({ status: 403, body: { code: "FORBIDDEN" } });
		expect(node.output()).toContain("authz.admin: this email is registered and the configured password does not sign in as it");
		const configured = await requestJson(`${base}/api/v1/auth/login`, { body: { email: BOSS.email, password: BOSS.password } });
		expect(configured).toMatchObject({ status: 401, body: { code: "BAD_CREDENTIALS" } });
	});

	it("does not hold up a node's start while identity is away, and is set up once identity comes", async () => {
		const cluster = {
			PLATFORM_TRANSPORTER__URL: SERVERS.nats,
			PLATFORM_NODE__NAMESPACE: `first-admin-${randomUUID()}`,
			PLATFORM_AUTH__SIGNING_KEY: generateKeyPairSync("ed25519").privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
			PLATFORM_AUTHZ__ADMIN: adminEnv(BOSS),
		};
		const gateway = await start(cluster, ["services/api", "services/authz"]);
		expect(gateway.output()).toContain("authz.admin: the first administrator is not set up yet; retrying in the background");
		await start(cluster, ["services/identity"]);
		const base = `http://127.0.0.1:${gateway.apiPort}`;
		await eventually("the administrator's grant", async () => ((await grantedEvents()) === 1 ? true : undefined), 30_000);
		// The gateway routes to identity's actions once it has seen them (moleculer-web rebuilds its aliases shortly after).
		const boss = await eventually("a sign-in through the gateway", () => signedIn(base, BOSS), 10_000);
		expect(await rolesOf(base, boss)).toMatchObject({ status: 200, body: { roles: ["admin"] } });
	});
});

import pg from "pg";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { requestJson } from "../../support/http.ts";
import { type NodeProcess, startNode } from "../../support/node-process.ts";
import { requireServers } from "../../support/servers.ts";

describe("identity over REST", () => {
	let db: TestDatabase;
	let node: NodeProcess;
	const http = (path: string, init: Parameters<typeof requestJson>[1] = {}) => requestJson(`http://127.0.0.1:${node.apiPort}${path}`, init);
	const credentials = { email: "rest@example.com", password: "correct horse battery" };

	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka");
		db = await createTestDatabase("idrest");
		node = await startNode({
			env: {
				PLATFORM_POSTGRES__URL: db.url,
				PLATFORM_REDIS__KEY_PREFIX: `${db.name}.`,
				PLATFORM_API__TRUSTED_PROXIES: "[127.0.0.1]",
				PLATFORM_AUTH__LOGIN__MAX_FAILURES_PER_IP: "3",
			},
		});
	});
	afterAll(async () => {
		await node?.stop();
		await db?.drop();
	});

	it("registers (201), logs in, and answers /me for the bearer of the access token", async () => {
		const registered = await http("/api/v1/auth/register", { body: { ...credentials, displayName: "Rest" } });
		expect(registered).toMatchObject({ status: 201, body: { email: "rest@example.com", displayName: "Rest" } });
		// A creation may leave out Location (RFC 9110); moleculer-web warned on every one (patches/).
		expect(registered.headers.get("location")).toBeNull();
		expect(node.output()).not.toContain("$location");
		const login = await http("/api/v1/auth/login", { body: credentials });
		expect(login.status).toBe(200);
		const { accessToken, refreshToken } = login.body as { accessToken: string; refreshToken: string };

		const me = await http("/api/v1/me", { headers: { authorization: `Bearer ${accessToken}` } });
		expect(me).toMatchObject({ status: 200, body: { id: registered.body.userId, email: "rest@example.com", name: "Rest" } });
		const anonymous = await http("/api/v1/me");
		expect(anonymous).toMatchObject({ status: 401, body: { code: "TOKEN_MISSING" } });
		expect(anonymous.headers.get("content-type")).toBe("application/problem+json");
		expect(await http("/api/v1/me", { headers: { authorization: "Bearer nope" } })).toMatchObject({
			status: 401,
			body: { code: "TOKEN_INVALID" },
		});

		// A stale token sent along does not stand in the way of calls that need none.
		const stale = { authorization: "Bearer expired.or.garbage" };
		expect((await http("/api/v1/auth/login", { body: credentials, headers: stale })).status).toBe(200);
		const refreshed = await http("/api/v1/auth/refresh", { body: { refreshToken }, headers: stale });
		expect(refreshed.status).toBe(200);
		expect(await http("/api/v1/auth/logout", { body: { refreshToken: refreshed.body.refreshToken } })).toMatchObject({ status: 200 });
	});

	it("publishes the signing key at /.well-known/jwks.json only", async () => {
		const jwks = await http("/.well-known/jwks.json");
		expect(jwks).toMatchObject({
			status: 200,
			body: { keys: [{ kty: "OKP", crv: "Ed25519", kid: "platform-1", alg: "EdDSA", use: "sig" }] },
		});
		expect(JSON.stringify(jwks.body)).not.toContain('"d"');
		expect((await http("/api/v1/auth/jwks.json")).status).toBe(404);
	});

	it("counts failed logins per client IP, taken from X-Forwarded-For behind a trusted proxy, with Retry-After", async () => {
		const from = (ip: string) => ({ "x-forwarded-for": ip });
		for (let i = 0; i < 3; i++) {
			const failed = await http("/api/v1/auth/login", {
				body: { email: `nobody${i}@example.com`, password: "wrong" },
				headers: from("203.0.113.9"),
			});
			expect(failed.status).toBe(401);
		}
		const refused = await http("/api/v1/auth/login", { body: credentials, headers: from("203.0.113.9") });
		expect(refused).toMatchObject({ status: 429, body: { code: "LOGIN_THROTTLED" } });
		expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
		expect((await http("/api/v1/auth/login", { body: credentials, headers: from("198.51.100.4") })).status).toBe(200);
	});

	it("changes the password given the current one, ending every session but the one it answers", async () => {
		const user = { email: "change@example.com", password: "the first password" };
		await http("/api/v1/auth/register", { body: { ...user, displayName: "Change" } });
		const [laptop, phone] = [await http("/api/v1/auth/login", { body: user }), await http("/api/v1/auth/login", { body: user })];
		const bearer = { authorization: `Bearer ${laptop.body.accessToken}` };
		const change = (body: object, headers: Record<string, string> = bearer) => http("/api/v1/auth/password", { body, headers });

		expect(await change({ currentPassword: user.password, newPassword: "the second password" }, {})).toMatchObject({ status: 401 });
		const wrong = await change({ currentPassword: "not the password", newPassword: "the second password" });
		expect(wrong).toMatchObject({ status: 422, body: { errors: [{ field: "currentPassword", reason: "is not the account's password" }] } });
		const same = await change({ currentPassword: user.password, newPassword: user.password });
		expect(same).toMatchObject({
			status: 422,
			body: { errors: [{ field: "newPassword", reason: "must differ from the current password" }] },
		});

		const changed = await change({ currentPassword: user.password, newPassword: "the second password" });
		expect(changed).toMatchObject({ status: 200, body: { tokenType: "Bearer", user: { email: user.email } } });
		for (const ended of [laptop, phone]) {
			expect(await http("/api/v1/auth/refresh", { body: { refreshToken: ended.body.refreshToken } })).toMatchObject({ status: 401 });
		}
		expect((await http("/api/v1/auth/refresh", { body: { refreshToken: changed.body.refreshToken } })).status).toBe(200);
		expect(await http("/api/v1/auth/login", { body: user })).toMatchObject({ status: 401, body: { code: "BAD_CREDENTIALS" } });
		expect((await http("/api/v1/auth/login", { body: { ...user, password: "the second password" } })).status).toBe(200);
	});

	it("lets one of two changes made at once with the same password through, and the other change nothing", async () => {
		const user = { email: "race@example.com", password: "the race password" };
		// A client of its own: the login throttle's count for this file's other calls stays out of it.
		const client = { "x-forwarded-for": "192.0.2.77" };
		const registered = await http("/api/v1/auth/register", { body: { ...user, displayName: "Race" }, headers: client });
		const signedIn = await http("/api/v1/auth/login", { body: user, headers: client });
		const bearer = { ...client, authorization: `Bearer ${signedIn.body.accessToken}` };
		const attempts = ["the first new password", "the second new password"];
		const answers = await Promise.all(
			attempts.map((newPassword) =>
				http("/api/v1/auth/password", { body: { currentPassword: user.password, newPassword }, headers: bearer }),
			),
		);
		const won = answers.findIndex((answer) => answer.status === 200);
		expect(won).toBeGreaterThanOrEqual(0);
		// The loser either verified the old password and found it replaced (409), or came second (422).
		expect([409, 422]).toContain(answers[1 - won]?.status);
		const login = (password: string | undefined) => http("/api/v1/auth/login", { body: { ...user, password }, headers: client });
		expect((await login(attempts[won])).status).toBe(200);
		expect((await login(attempts[1 - won])).status).toBe(401);
		const store = new pg.Client({ connectionString: db.url });
		await store.connect();
		const { rows } = await store.query("SELECT 1 FROM events WHERE stream_id = $1 AND type = 'identity.PasswordChanged'", [
			`identity-user-${registered.body.userId}`,
		]);
		await store.end();
		expect(rows).toHaveLength(1);
	});

	it("refuses a bad registration with the fields and reasons", async () => {
		const bad = await http("/api/v1/auth/register", { body: { email: "x", password: "short", displayName: "" } });
		expect(bad.status).toBe(422);
		expect((bad.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(["displayName", "email", "password"]);
	});
});

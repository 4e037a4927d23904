import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import type { ServiceBroker } from "moleculer";
import { hashPassword } from "../../../platform/auth/index.ts";
import { platformOf } from "../../../platform/bootstrap/index.ts";
import { startBroker } from "../../support/broker.ts";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { eventually } from "../../support/eventually.ts";
import { requireServers } from "../../support/servers.ts";

type Tokens = { accessToken: string; refreshToken: string; expiresIn: number; user: { id: string; email: string; name: string } };

describe("identity", () => {
	let db: TestDatabase;
	let broker: ServiceBroker;
	const register = (email: string, password = "correct horse battery") =>
		broker.call<{ userId: string }, object>("identity.register", { email, password, displayName: "Ada" });
	const login = (email: string, password = "correct horse battery", ip?: string) =>
		broker.call<Tokens, object>("identity.login", { email, password }, ip ? { meta: { ip } } : {});
	const refresh = (refreshToken: string) => broker.call<Tokens, object>("identity.refresh", { refreshToken });
	const issues = async (call: Promise<unknown>) =>
		((await call.catch((e) => e)) as { data: { issues: { field: string }[] } }).data.issues.map((i) => i.field).sort();

	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka");
		db = await createTestDatabase("identity");
		broker = await startBroker(["services/identity/identity.service.ts"], {
			PLATFORM_POSTGRES__URL: db.url,
			PLATFORM_EVENTS__TOPIC_PREFIX: `${db.name}.`,
			PLATFORM_REDIS__KEY_PREFIX: `${db.name}.`,
			PLATFORM_AUTH__LOGIN__MAX_FAILURES_PER_IP: "4",
		});
	});
	afterAll(async () => {
		await broker?.stop();
		await db?.drop();
	});

	it("registers a user as an event, once per email, refusing bad input by field", async () => {
		const { userId } = await register("Ada@Example.com");
		const events = await platformOf(broker).container.resolve("eventStore").readStream(`identity-user-${userId}`);
		expect(events.map((e) => [e.type, e.data])).toEqual([
			["identity.UserRegistered", { userId, email: "ada@example.com", displayName: "Ada" }],
		]);
		expect(JSON.stringify(events)).not.toContain("correct horse");
		await expect(register("ada@example.com")).rejects.toMatchObject({ code: 409, type: "EMAIL_TAKEN" });
		expect(await issues(broker.call("identity.register", { email: "nope", password: "short", displayName: "" }))).toEqual([
			"displayName",
			"email",
			"password",
		]);
	});

	it("logs in with the right password only, answering an EdDSA access token the JWKS verifies", async () => {
		await register("grace@example.com");
		await expect(login("grace@example.com", "wrong password!")).rejects.toMatchObject({ code: 401, type: "BAD_CREDENTIALS" });
		await expect(login("nobody@example.com")).rejects.toMatchObject({ code: 401, type: "BAD_CREDENTIALS" });
		const tokens = await login("Grace@example.com");
		expect(decodeProtectedHeader(tokens.accessToken)).toMatchObject({ alg: "EdDSA", kid: "platform-1", typ: "at+jwt" });
		const jwks = createLocalJWKSet(await broker.call("identity.wellKnownJwks"));
		const { payload } = await jwtVerify(tokens.accessToken, jwks, { issuer: "platform", audience: "platform-api" });
		expect(payload).toMatchObject({ sub: tokens.user.id, email: "grace@example.com" });
		expect((payload.exp as number) - (payload.iat as number)).toBe(900);

		const me = await broker.call("identity.me", {}, { meta: { authorization: `Bearer ${tokens.accessToken}` } });
		expect(me).toEqual(tokens.user);
		await expect(broker.call("identity.me")).rejects.toMatchObject({ code: 401, type: "TOKEN_MISSING" });
		await expect(broker.call("identity.me", {}, { meta: { authorization: `Bearer ${tokens.accessToken}x` } })).rejects.toMatchObject({
			code: 401,
			type: "TOKEN_INVALID",
		});
	});

	it("rotates refresh tokens, and revokes the family when a used one comes back", async () => {
		await register("rotate@example.com");
		const first = await login("rotate@example.com");
		const second = await refresh(first.refreshToken);
		expect(second.refreshToken).not.toBe(first.refreshToken);
		const third = await refresh(second.refreshToken);

		await expect(refresh(first.refreshToken)).rejects.toMatchObject({ code: 401, type: "TOKEN_REUSED" });
		// The thief's replay revoked the family: the legitimate latest token is dead too.
		await expect(refresh(third.refreshToken)).rejects.toMatchObject({ code: 401, type: "TOKEN_REUSED" });
		// Another login is another family.
		await expect(refresh((await login("rotate@example.com")).refreshToken)).resolves.toMatchObject({
			user: { email: "rotate@example.com" },
		});
		await expect(refresh("not-a-token")).rejects.toMatchObject({ code: 401, type: "TOKEN_INVALID" });
	});

	it("logs out by revoking the session's refresh tokens", async () => {
		await register("leave@example.com");
		const tokens = await login("leave@example.com");
		await expect(broker.call("identity.logout", { refreshToken: tokens.refreshToken })).resolves.toEqual({ loggedOut: true });
		await expect(refresh(tokens.refreshToken)).rejects.toMatchObject({ code: 401 });
		await expect(broker.call("identity.logout", { refreshToken: tokens.refreshToken })).resolves.toEqual({ loggedOut: true });
	});

	it("refuses logins after repeated failures, per account and per IP, with a retry time", async () => {
		await register("guessed@example.com");
		for (let i = 0; i < 5; i++) await expect(login("guessed@example.com", "wrong password!")).rejects.toMatchObject({ code: 401 });
		const refused = login("guessed@example.com");
		await expect(refused).rejects.toMatchObject({ code: 429, type: "LOGIN_THROTTLED" });
		const { data } = (await refused.catch((e) => e)) as { data: { retryAfterSeconds: number } };
		expect(data.retryAfterSeconds).toBeGreaterThan(0);

		await register("spray@example.com");
		for (let i = 0; i < 4; i++)
			await expect(login(`victim${i}@example.com`, "wrong password!", "203.0.113.9")).rejects.toMatchObject({ code: 401 });
		await expect(login("spray@example.com", undefined, "203.0.113.9")).rejects.toMatchObject({ code: 429 });
		await expect(login("spray@example.com", undefined, "198.51.100.1")).resolves.toMatchObject({ user: { email: "spray@example.com" } });
	});

	it("keeps an email's claim with the registration in flight; a retry with its password completes it", async () => {
		// A registration in flight, or cut short: its row is claimed and not yet registered.
		const pg = platformOf(broker).container.resolve("pg");
		const userId = "00000000-0000-4000-8000-0000000000aa";
		await pg.query("INSERT INTO identity_credentials (user_id, email, display_name, password_hash) VALUES ($1, $2, 'First', $3)", [
			userId,
			"claimed@example.com",
			await hashPassword("first person's password", 1024),
		]);
		await expect(register("claimed@example.com", "second person's password")).rejects.toMatchObject({ code: 409, type: "EMAIL_TAKEN" });
		await expect(register("claimed@example.com", "first person's password")).resolves.toMatchObject({ userId });
		await expect(login("claimed@example.com", "first person's password")).resolves.toMatchObject({ user: { id: userId } });
	});

	it("lets anyone take over a claim left unregistered past its time", async () => {
		const pg = platformOf(broker).container.resolve("pg");
		const userId = "00000000-0000-4000-8000-0000000000bb";
		await pg.query(
			"INSERT INTO identity_credentials (user_id, email, display_name, password_hash, claimed_at) VALUES ($1, $2, 'Gone', $3, now() - interval '2 minutes')",
			[userId, "abandoned@example.com", await hashPassword("abandoned password", 1024)],
		);
		await expect(register("abandoned@example.com", "a new password")).resolves.toMatchObject({ userId });
		await expect(login("abandoned@example.com", "a new password")).resolves.toMatchObject({ user: { id: userId } });
	});

	it("counts guesses sent all at once before any of them is answered", async () => {
		await register("raced@example.com");
		// From as many IPs as guesses: only the account's limit (5) stands in their way.
		const guesses = await Promise.allSettled(
			Array.from({ length: 12 }, (_, i) => login("raced@example.com", `wrong guess ${i}`, `198.51.100.${100 + i}`)),
		);
		const codes = guesses.map((g) => (g.status === "rejected" ? (g.reason as { code: number }).code : 200)).sort();
		expect(codes).toEqual([...Array(5).fill(401), ...Array(7).fill(429)]);
		await expect(login("raced@example.com", undefined, "198.51.100.99")).rejects.toMatchObject({ code: 429, type: "LOGIN_THROTTLED" });
	});

	it("takes a right password's attempt back from its IP's count", async () => {
		await register("regular@example.com");
		for (let i = 0; i < 6; i++) await expect(login("regular@example.com", undefined, "192.0.2.77")).resolves.toBeDefined();
	});

	it("records a password change as an event, the password in it nowhere", async () => {
		const { userId } = await register("hedy@example.com");
		const caller = (await login("hedy@example.com")).user;
		await broker.call(
			"identity.changePassword",
			{ currentPassword: "correct horse battery", newPassword: "frequency hopping" },
			{ meta: { user: caller } },
		);
		const events = await platformOf(broker).container.resolve("eventStore").readStream(`identity-user-${userId}`);
		expect(events.map((e) => [e.type, e.data])).toEqual([
			["identity.UserRegistered", { userId, email: "hedy@example.com", displayName: "Ada" }],
			["identity.PasswordChanged", { userId }],
		]);
		expect(JSON.stringify(events)).not.toMatch(/correct horse|frequency hopping/);
		await expect(login("hedy@example.com")).rejects.toMatchObject({ code: 401 });
		expect((await login("hedy@example.com", "frequency hopping")).user.id).toBe(userId);
	});

	it("purges expired refresh tokens with its cron job", async () => {
		const { userId } = await register("old@example.com");
		const pg = platformOf(broker).container.resolve("pg");
		await pg.query(
			`INSERT INTO identity_refresh_tokens (token_hash, family_id, user_id, expires_at)
			 VALUES ('expired', gen_random_uuid(), $1, now() - interval '1 minute'), ('valid', gen_random_uuid(), $1, now() + interval '1 day')`,
			[userId],
		);
		await broker.call("identity.enqueueJob", { job: "identity.purgeRefreshTokens", payload: {} });
		await eventually("the expired token purged", async () => {
			const { rows } = await pg.query<{ token_hash: string }>("SELECT token_hash FROM identity_refresh_tokens WHERE user_id = $1", [
				userId,
			]);
			return rows.length === 1 ? rows : undefined;
		}).then((rows) => expect(rows.map((r) => r.token_hash)).toEqual(["valid"]));
	});
});

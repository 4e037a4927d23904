import { status } from "@grpc/grpc-js";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { grpcClient } from "../../support/grpc-client.ts";
import { type NodeProcess, startNode } from "../../support/node-process.ts";
import { requireServers } from "../../support/servers.ts";
import { TEST_ADMIN } from "../../support/tokens.ts";

const LEDGER = "ledger.v1.LedgerService";
const IDENTITY = "identity.v1.IdentityService";

describe("the gRPC gateway serving the modules' proto files", () => {
	let db: TestDatabase;
	let node: NodeProcess;
	let grpc: ReturnType<typeof grpcClient>;
	let admin: { authorization: string };

	const signIn = async (user: { email: string; password: string; displayName: string }) => {
		const registered = await grpc.call(IDENTITY, "Register", user);
		expect([status.OK, status.ABORTED]).toContain(registered.code);
		const login = await grpc.call(IDENTITY, "Login", { email: user.email, password: user.password });
		expect(login.code).toBe(status.OK);
		return { authorization: `Bearer ${login.value?.accessToken}` };
	};

	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka");
		db = await createTestDatabase("grpcgw");
		node = await startNode({ env: { PLATFORM_POSTGRES__URL: db.url, PLATFORM_REDIS__KEY_PREFIX: `${db.name}.` } });
		grpc = grpcClient(node.grpcPort, ["identity/v1/identity.proto", "ledger/v1/ledger.proto", "authz/v1/authz.proto"]);
		admin = await signIn(TEST_ADMIN);
	});
	afterAll(async () => {
		grpc?.close();
		await node?.stop();
		await db?.drop();
	});

	it("answers grpc.health.v1 from the node's readiness and lists its services by reflection", async () => {
		expect((await grpc.call("grpc.health.v1.Health", "Check", { service: "" })).value).toEqual({ status: "SERVING" });
		expect((await grpc.call("grpc.health.v1.Health", "Check", { service: LEDGER })).value).toEqual({ status: "SERVING" });
		expect(await grpc.listServices()).toEqual(expect.arrayContaining([LEDGER, IDENTITY, "authz.v1.AuthzService", "grpc.health.v1.Health"]));
	});

	it("registers, signs in and knows the caller from the authorization metadata", async () => {
		const registered = await grpc.call(IDENTITY, "Register", {
			email: "grace@example.com",
			password: "grace's password",
			displayName: "Grace",
		});
		expect(registered).toMatchObject({ code: status.OK, value: { email: "grace@example.com", displayName: "Grace" } });
		const grace = await signIn({ email: "grace@example.com", password: "grace's password", displayName: "Grace" });
		expect((await grpc.call(IDENTITY, "Me", {}, grace)).value).toMatchObject({ id: registered.value?.userId, email: "grace@example.com" });

		expect(await grpc.call(IDENTITY, "Me", {})).toMatchObject({
			code: status.UNAUTHENTICATED,
			trailers: { "error-code": "TOKEN_MISSING" },
		});
		expect(await grpc.call(IDENTITY, "Me", {}, { authorization: "Bearer not.a.token" })).toMatchObject({ code: status.UNAUTHENTICATED });
		expect(await grpc.call(IDENTITY, "Login", { email: "grace@example.com", password: "wrong password" })).toMatchObject({
			code: status.UNAUTHENTICATED,
			details: "Email or password is wrong",
		});
		const member = await grpc.call(LEDGER, "OpenAccount", { accountId: "grace-1", owner: "Grace", currency: "EUR" }, grace);
		expect(member).toMatchObject({ code: status.PERMISSION_DENIED, details: "Missing permission ledger:accounts:write" });
	});

	it("rotates refresh tokens and revokes the family when a used one comes back", async () => {
		const user = { email: "lin@example.com", password: "lin's password", displayName: "Lin" };
		await signIn(user);
		const login = await grpc.call(IDENTITY, "Login", { email: user.email, password: user.password });
		const first = login.value?.refreshToken as string;
		const rotated = await grpc.call(IDENTITY, "Refresh", { refreshToken: first });
		expect(rotated).toMatchObject({ code: status.OK, value: { tokenType: "Bearer", user: { email: user.email } } });
		const second = rotated.value?.refreshToken as string;
		expect(second).not.toBe(first);
		expect(await grpc.call(IDENTITY, "Refresh", { refreshToken: first })).toMatchObject({ code: status.UNAUTHENTICATED });
		// Reusing the rotated token revoked the whole family, the newest token with it.
		expect(await grpc.call(IDENTITY, "Refresh", { refreshToken: second })).toMatchObject({ code: status.UNAUTHENTICATED });
		expect(await grpc.call(IDENTITY, "Logout", { refreshToken: "" })).toMatchObject({ code: status.INVALID_ARGUMENT });
	});

	it("changes the caller's password", async () => {
		const user = { email: "kay@example.com", password: "kay's first password", displayName: "Kay" };
		const kay = await signIn(user);
		const wrong = await grpc.call(
			IDENTITY,
			"ChangePassword",
			{ currentPassword: "not it at all", newPassword: "kay's next password" },
			kay,
		);
		expect(wrong).toMatchObject({ code: status.INVALID_ARGUMENT, trailers: { "error-code": "VALIDATION_FAILED" } });
		const changed = await grpc.call(
			IDENTITY,
			"ChangePassword",
			{ currentPassword: user.password, newPassword: "kay's next password" },
			kay,
		);
		expect(changed).toMatchObject({ code: status.OK, value: { tokenType: "Bearer", user: { email: user.email } } });
		expect(await grpc.call(IDENTITY, "Login", { email: user.email, password: "kay's next password" })).toMatchObject({ code: status.OK });
	});

	it("grants, lists and revokes roles", async () => {
		const user = { email: "kim@example.com", password: "kim's password", displayName: "Kim" };
		const kim = await signIn(user);
		const id = (await grpc.call(IDENTITY, "Me", {}, kim)).value?.id as string;
		const granted = await grpc.call("authz.v1.AuthzService", "GrantRole", { id, role: "admin" }, admin);
		expect(granted).toMatchObject({ code: status.OK, value: { userId: id, roles: ["admin"] } });
		expect((granted.value?.position as number) > 0).toBe(true);
		expect((await grpc.call("authz.v1.AuthzService", "ListRoles", { id }, admin)).value).toEqual({ userId: id, roles: ["admin"] });
		expect(await grpc.call("authz.v1.AuthzService", "ListRoles", { id }, kim)).toMatchObject({ code: status.OK });
		const revoked = await grpc.call("authz.v1.AuthzService", "RevokeRole", { id, role: "admin" }, admin);
		// proto3 sends no empty list: the field is absent.
		expect(revoked).toMatchObject({ code: status.OK, value: { userId: id } });
		expect(revoked.value?.roles).toBeUndefined();
		expect(await grpc.call("authz.v1.AuthzService", "ListRoles", { id }, kim)).toMatchObject({ code: status.PERMISSION_DENIED });
	});

	it("runs the ledger: commands answer their position, queries read it, rules and conflicts map to their codes", async () => {
		const opened = await grpc.call(LEDGER, "OpenAccount", { accountId: "g-acc-1", owner: "Ada", currency: "EUR" }, admin);
		expect(opened).toMatchObject({ code: status.OK, value: { streamId: "ledger-account-g-acc-1", version: 1 } });
		const deposited = await grpc.call(LEDGER, "Deposit", { accountId: "g-acc-1", amount: 2_500, currency: "EUR" }, admin);
		expect(deposited.code).toBe(status.OK);
		const account = await grpc.call(LEDGER, "GetAccount", { accountId: "g-acc-1", position: deposited.value?.position }, admin);
		expect(account.value).toMatchObject({ accountId: "g-acc-1", balance: 2_500, currency: "EUR", status: "open" });
		expect(account.value?.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
		const lines = await grpc.call(LEDGER, "ListTransactions", { accountId: "g-acc-1", position: deposited.value?.position }, admin);
		expect(lines.value?.transactions).toEqual([expect.objectContaining({ kind: "deposit", amount: 2_500, balanceAfter: 2_500 })]);

		expect(await grpc.call(LEDGER, "Withdraw", { accountId: "g-acc-1", amount: 9_000, currency: "EUR" }, admin)).toMatchObject({
			code: status.FAILED_PRECONDITION,
			details: "Account g-acc-1 has insufficient funds",
			trailers: { "error-code": "INSUFFICIENT_FUNDS" },
		});
		expect(await grpc.call(LEDGER, "OpenAccount", { accountId: "g-acc-1", owner: "Ada", currency: "EUR" }, admin)).toMatchObject({
			code: status.ABORTED,
			trailers: { "error-code": "ACCOUNT_EXISTS" },
		});
		const invalid = await grpc.call(LEDGER, "Deposit", { accountId: "g-acc-1", amount: 5, currency: "euro" }, admin);
		expect(invalid).toMatchObject({ code: status.INVALID_ARGUMENT, trailers: { "error-code": "VALIDATION_FAILED" } });
		expect(JSON.parse(invalid.trailers["field-violations"] ?? "[]")).toEqual([
			{ field: "currency", reason: "must be an ISO 4217 code such as EUR" },
		]);
		expect(await grpc.call(LEDGER, "GetAccount", { accountId: "nobody" }, admin)).toMatchObject({ code: status.NOT_FOUND });

		expect(await grpc.call(LEDGER, "CloseAccount", { accountId: "g-acc-1" }, admin)).toMatchObject({ code: status.FAILED_PRECONDITION });
		expect((await grpc.call(LEDGER, "Withdraw", { accountId: "g-acc-1", amount: 2_500, currency: "EUR" }, admin)).code).toBe(status.OK);
		// Closing has no read position: a client that sets one (as on GetAccount) sends nothing the action refuses.
		const closed = await grpc.call(LEDGER, "CloseAccount", { accountId: "g-acc-1", position: 5 }, admin);
		expect(closed).toMatchObject({ code: status.OK, value: { streamId: "ledger-account-g-acc-1" } });
		const after = await grpc.call(LEDGER, "GetAccount", { accountId: "g-acc-1", position: closed.value?.position }, admin);
		expect(after.value).toMatchObject({ status: "closed", balance: 0 });
	});

	it("carries the rate limit and the trace id back as trailers", async () => {
		const answer = await grpc.call(IDENTITY, "Me", {}, { ...admin, "x-request-id": "trace-grpc-1" });
		expect(answer.code).toBe(status.OK);
		expect(answer.trailers["x-request-id"]).toBe("trace-grpc-1");
		expect(Number(answer.trailers["ratelimit-limit"])).toBeGreaterThan(0);
	});

	it("counts calls by method and status code", async () => {
		const metrics = await (await fetch(`http://127.0.0.1:${node.opsPort}/metrics`)).text();
		expect(metrics).toMatch(
			/platform_grpc_requests_total\{[^}]*method="\/ledger\.v1\.LedgerService\/OpenAccount",code="ABORTED"[^}]*\} 1\n/,
		);
		expect(metrics).toMatch(
			/platform_grpc_request_duration_seconds_count\{[^}]*method="\/identity\.v1\.IdentityService\/Me",code="OK"[^}]*\} [1-9]/,
		);
	});
});

import { status } from "@grpc/grpc-js";
import { eventually } from "../support/eventually.ts";
import { grpcClient } from "../support/grpc-client.ts";
import { requestJson } from "../support/http.ts";
import type { NodeProcess } from "../support/node-process.ts";
import { signedIn } from "../support/tokens.ts";
import { WebhookReceiver } from "../support/webhook-receiver.ts";

/** How a profile's suite gets its node: started before the tests, stopped after them. */
export type SuiteNode = { start(): Promise<NodeProcess>; stop(): Promise<void> };

type Json = Record<string, unknown>;
const LEDGER = "ledger.v1.LedgerService";

/**
 * The end-to-end suite every profile passes: a whole platform node in its own process, called
 * over REST and gRPC the way a client team would (auth, ledger with its projections and its
 * transfer process, roles, jobs through webhook deliveries).
 */
export function platformSuite(node: SuiteNode): void {
	let running: NodeProcess;
	let api: string;
	let admin: { authorization: string };
	let grpc: ReturnType<typeof grpcClient>;
	const receiver = new WebhookReceiver();
	const call = (path: string, init: Parameters<typeof requestJson>[1] = {}) =>
		requestJson(`${api}/api/v1${path}`, { ...init, headers: { ...admin, ...init.headers } });

	beforeAll(async () => {
		await receiver.start();
		running = await node.start();
		api = `http://127.0.0.1:${running.apiPort}`;
		admin = await signedIn(api);
		grpc = grpcClient(running.grpcPort, ["identity/v1/identity.proto", "ledger/v1/ledger.proto"]);
	});
	afterAll(async () => {
		grpc?.close();
		await node.stop();
		await receiver.stop();
	});

	it("registers, signs in, refreshes and signs out a user", async () => {
		const user = { email: "e2e-ada@example.com", password: "ada's long password", displayName: "Ada" };
		const registered = await requestJson(`${api}/api/v1/auth/register`, { body: user });
		expect(registered).toMatchObject({ status: 201, body: { email: user.email } });
		const login = await requestJson(`${api}/api/v1/auth/login`, { body: { email: user.email, password: user.password } });
		expect(login.status).toBe(200);
		const me = await requestJson(`${api}/api/v1/me`, { headers: { authorization: `Bearer ${login.body.accessToken}` } });
		expect(me.body).toMatchObject({ email: user.email, name: "Ada" });
		const refreshed = await requestJson(`${api}/api/v1/auth/refresh`, { body: { refreshToken: login.body.refreshToken } });
		expect(refreshed.status).toBe(200);
		expect((await requestJson(`${api}/api/v1/auth/refresh`, { body: { refreshToken: login.body.refreshToken } })).status).toBe(401);
		expect((await requestJson(`${api}/api/v1/auth/logout`, { body: { refreshToken: refreshed.body.refreshToken } })).status).toBe(200);
		expect((await requestJson(`${api}/api/v1/auth/refresh`, { body: { refreshToken: refreshed.body.refreshToken } })).status).toBe(401);
	});

	it("runs the ledger over REST: commands answer positions, queries read them, a transfer completes", async () => {
		for (const accountId of ["e2e-a", "e2e-b"]) {
			expect((await call("/ledger/accounts", { body: { accountId, owner: "e2e", currency: "EUR" } })).status).toBe(200);
		}
		const deposited = await call("/ledger/accounts/e2e-a/deposits", { body: { amount: 1_000, currency: "EUR" } });
		const own = await call(`/ledger/accounts/e2e-a?position=${deposited.body.position}`);
		expect(own.body).toMatchObject({ accountId: "e2e-a", balance: 1_000, status: "open" });

		const transfer = { transferId: "e2e-t1", fromAccountId: "e2e-a", toAccountId: "e2e-b", amount: 400, currency: "EUR" };
		expect((await call("/ledger/transfers", { body: transfer })).status).toBe(200);
		// The transfer process debits, then credits, each step a command of its own.
		const done = await eventually("the transfer completed", async () => {
			const answer = await call("/ledger/transfers/e2e-t1");
			return answer.body.status === "completed" ? answer.body : undefined;
		});
		expect(done).toMatchObject({ amount: 400, compensated: false });
		expect((await call("/ledger/accounts/e2e-b")).body).toMatchObject({ balance: 400 });
		expect((await call("/ledger/accounts/e2e-a")).body).toMatchObject({ balance: 600 });

		const overdrawn = await call("/ledger/accounts/e2e-b/withdrawals", { body: { amount: 10_000, currency: "EUR" } });
		expect(overdrawn).toMatchObject({ status: 422, body: { code: "INSUFFICIENT_FUNDS" } });
		const invalid = await call("/ledger/accounts/e2e-b/deposits", { body: { amount: -1, currency: "EUR" } });
		expect(invalid).toMatchObject({ status: 422, body: { code: "VALIDATION_FAILED" } });
	});

	it("runs the ledger over gRPC with the same token", async () => {
		const opened = await grpc.call(LEDGER, "OpenAccount", { accountId: "e2e-g", owner: "e2e", currency: "EUR" }, admin);
		expect(opened.code).toBe(status.OK);
		const deposited = await grpc.call(LEDGER, "Deposit", { accountId: "e2e-g", amount: 250, currency: "EUR" }, admin);
		const account = await grpc.call(LEDGER, "GetAccount", { accountId: "e2e-g", position: deposited.value?.position }, admin);
		expect(account.value).toMatchObject({ accountId: "e2e-g", balance: 250 });
		expect((await grpc.call(LEDGER, "GetAccount", { accountId: "e2e-g" })).code).toBe(status.UNAUTHENTICATED);
	});

	it("lets a user do what its roles grant, from the moment they are granted until they are revoked", async () => {
		const bob = await signedIn(api, { email: "e2e-bob@example.com", password: "bob's long password", displayName: "Bob" });
		const bobId = (await requestJson(`${api}/api/v1/me`, { headers: bob })).body.id as string;
		const asBob = () => requestJson(`${api}/api/v1/audit?limit=1`, { headers: bob });
		expect((await asBob()).status).toBe(403);
		expect((await call(`/users/${bobId}/roles`, { body: { role: "auditor" } })).status).toBe(200);
		expect((await asBob()).status).toBe(200);
		expect((await call(`/users/${bobId}/roles/auditor`, { method: "DELETE" })).status).toBe(200);
		expect((await asBob()).status).toBe(403);
	});

	it("delivers events to a webhook through retried jobs, signed", async () => {
		receiver.plan("/e2e", [500, 500, 200]);
		const subscribed = await call("/webhooks/subscriptions", {
			body: { url: `${receiver.url}/e2e`, eventTypes: ["ledger.AccountOpened"] },
		});
		expect(subscribed.status).toBe(201);
		receiver.secretFor("/e2e", subscribed.body.secret as string);
		await call("/ledger/accounts", { body: { accountId: "e2e-hooked", owner: "e2e", currency: "EUR" } });
		const delivered = await eventually(
			"a succeeded delivery",
			async () => {
				const answer = await call(`/webhooks/deliveries?subscriptionId=${subscribed.body.id}&state=succeeded`);
				return (answer.body as unknown as Json[])[0];
			},
			30_000,
		);
		expect(delivered).toMatchObject({ eventType: "ledger.AccountOpened", attempts: 3, lastStatus: 200 });
		const received = receiver.received.filter((r) => r.path === "/e2e");
		expect(received).toHaveLength(3);
		expect(received.every((r) => r.signed)).toBe(true);
		expect(received[2]?.body).toMatchObject({ type: "ledger.AccountOpened", subject: "ledger-account-e2e-hooked" });
	});
}

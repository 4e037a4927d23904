import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { eventually } from "../../support/eventually.ts";
import { requestJson } from "../../support/http.ts";
import { type NodeProcess, startNode } from "../../support/node-process.ts";
import { requireServers } from "../../support/servers.ts";
import { signedIn } from "../../support/tokens.ts";

describe("the ledger over REST", () => {
	let db: TestDatabase;
	let node: NodeProcess;
	let admin: Record<string, string>;
	const http = (method: string, path: string, headers: Record<string, string>, body?: object) =>
		requestJson(`http://127.0.0.1:${node.apiPort}/api/v1/ledger${path}`, { method, headers, body });

	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka");
		db = await createTestDatabase("ledgerrest");
		node = await startNode({ env: { PLATFORM_POSTGRES__URL: db.url, PLATFORM_REDIS__KEY_PREFIX: `${db.name}.` } });
		admin = await signedIn(`http://127.0.0.1:${node.apiPort}`);
	});
	afterAll(async () => {
		await node?.stop();
		await db?.drop();
	});

	it("opens accounts, moves money and reads its own writes", async () => {
		expect((await http("POST", "/accounts", admin, { accountId: "rest-a", owner: "Ada", currency: "EUR" })).status).toBe(200);
		await http("POST", "/accounts", admin, { accountId: "rest-b", owner: "Bob", currency: "EUR" });
		const deposit = await http("POST", "/accounts/rest-a/deposits", admin, { amount: 10_000, currency: "EUR" });
		expect(deposit).toMatchObject({ status: 200, body: { streamId: "ledger-account-rest-a", version: 2 } });
		const read = await http("GET", `/accounts/rest-a?position=${deposit.body.position}`, admin);
		expect(read).toMatchObject({ status: 200, body: { accountId: "rest-a", balance: 10_000, currency: "EUR" } });
		expect(await http("POST", "/accounts/rest-a/withdrawals", admin, { amount: 20_000, currency: "EUR" })).toMatchObject({
			status: 422,
			body: { code: "INSUFFICIENT_FUNDS" },
		});

		expect(
			(
				await http("POST", "/transfers", admin, {
					transferId: "rest-t1",
					fromAccountId: "rest-a",
					toAccountId: "rest-b",
					amount: 2_500,
					currency: "EUR",
				})
			).status,
		).toBe(200);
		const transfer = await eventually("the transfer to complete", async () => {
			const answer = await http("GET", "/transfers/rest-t1", admin);
			return answer.body.status === "completed" ? answer : undefined;
		});
		expect(transfer.body).toMatchObject({ fromAccountId: "rest-a", toAccountId: "rest-b", amount: 2_500 });
		const lines = await eventually("the credit in the transactions", async () => {
			const answer = await http("GET", "/accounts/rest-b/transactions?limit=10", admin);
			return (answer.body as unknown as unknown[]).length === 1 ? answer : undefined;
		});
		expect(lines.status).toBe(200);
	});

	it("refuses callers without the ledger's permissions and bad input by field", async () => {
		const member = await signedIn(`http://127.0.0.1:${node.apiPort}`, {
			email: "teller@example.com",
			password: "teller password",
			displayName: "Teller",
		});
		expect(await http("GET", "/accounts/rest-a", member)).toMatchObject({ status: 403, body: { code: "FORBIDDEN" } });
		expect((await http("GET", "/accounts/rest-a", {})).status).toBe(401);
		const bad = await http("POST", "/accounts/rest-a/deposits", admin, { amount: -5, currency: "euro" });
		expect(bad.status).toBe(422);
		expect((bad.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(["amount", "currency"]);
	});
});

import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { eventually } from "../../support/eventually.ts";
import { requestJson } from "../../support/http.ts";
import { type NodeProcess, startNode } from "../../support/node-process.ts";
import { requireServers } from "../../support/servers.ts";
import { signedIn } from "../../support/tokens.ts";
import { traceIdOf, traceparentOf } from "../../support/traces.ts";

type Entry = { seq: number; actor: string | null; action: string; subject: string; traceId: string | null; recordedAt: string };
type Page = { entries: Entry[]; next: number | null };

describe("the audit trail over REST", () => {
	let db: TestDatabase;
	let node: NodeProcess;
	let admin: Record<string, string>;
	let adminId: string;
	const http = (path: string, headers: Record<string, string>, method = "GET", body?: object) =>
		requestJson(`http://127.0.0.1:${node.apiPort}/api/v1${path}`, { method, headers, body });
	const page = async (query: string, headers = admin) => {
		const answer = await http(`/audit?${query}`, headers);
		expect(answer.status).toBe(200);
		return answer.body as unknown as Page;
	};

	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka");
		db = await createTestDatabase("auditrest");
		node = await startNode({ env: { PLATFORM_POSTGRES__URL: db.url, PLATFORM_REDIS__KEY_PREFIX: `${db.name}.` } });
		admin = await signedIn(`http://127.0.0.1:${node.apiPort}`);
		adminId = (await http("/me", admin)).body.id as string;
		// One trace per command: the trace id each entry is found by.
		const as = (label: string) => ({ ...admin, traceparent: traceparentOf(label) });
		await http("/ledger/accounts", as("rest-open"), "POST", { accountId: "aud-a", owner: "Ada", currency: "EUR" });
		for (const n of [1, 2, 3])
			await http("/ledger/accounts/aud-a/deposits", as(`rest-deposit-${n}`), "POST", { amount: n, currency: "EUR" });
		await eventually("the deposits in the trail", async () => {
			const { entries } = await page("action=ledger.MoneyDeposited&subject=ledger-account-aud-a");
			return entries.length === 3 ? true : undefined;
		});
	}, 60_000);
	afterAll(async () => {
		await node?.stop();
		await db?.drop();
	});

	it("lists entries with the caller as actor and the request's trace id, filtered", async () => {
		const { entries } = await page(`traceId=${traceIdOf("rest-deposit-2")}`);
		expect(entries).toEqual([
			expect.objectContaining({ actor: adminId, action: "ledger.MoneyDeposited", subject: "ledger-account-aud-a", outcome: "success" }),
		]);
		const mine = await page(`actor=${adminId}&subject=ledger-account-aud-a`);
		expect(mine.entries.map((e) => e.action)).toEqual([
			"ledger.MoneyDeposited",
			"ledger.MoneyDeposited",
			"ledger.MoneyDeposited",
			"ledger.AccountOpened",
		]);
		const opened = mine.entries.at(-1) as Entry;
		const since = await page(`subject=ledger-account-aud-a&from=${encodeURIComponent(opened.recordedAt)}`);
		expect(since.entries).toHaveLength(4);
		expect((await page(`subject=ledger-account-aud-a&to=${encodeURIComponent(opened.recordedAt)}`)).entries).toEqual([]);
	});

	it("pages newest first through a cursor", async () => {
		const query = "subject=ledger-account-aud-a&limit=3";
		const first = await page(query);
		expect(first.entries.map((e) => e.traceId)).toEqual(["rest-deposit-3", "rest-deposit-2", "rest-deposit-1"].map(traceIdOf));
		expect(first.next).toBe(first.entries.at(-1)?.seq);
		const second = await page(`${query}&before=${first.next}`);
		expect(second).toEqual({ entries: [expect.objectContaining({ traceId: traceIdOf("rest-open") })], next: null });
	});

	it("verifies the chain", async () => {
		expect(await http("/audit/verify", admin)).toMatchObject({ status: 200, body: { ok: true, checked: expect.any(Number) } });
	});

	it("needs audit:read, which the auditor role grants", async () => {
		const member = await signedIn(`http://127.0.0.1:${node.apiPort}`, {
			email: "auditor@example.com",
			password: "auditor password",
			displayName: "Auditor",
		});
		expect((await http("/audit", {})).status).toBe(401);
		expect(await http("/audit", member)).toMatchObject({ status: 403, body: { code: "FORBIDDEN" } });
		expect((await http("/audit/verify", member)).status).toBe(403);

		const memberId = (await http("/me", member)).body.id as string;
		expect((await http(`/users/${memberId}/roles`, admin, "POST", { role: "auditor" })).status).toBe(200);
		expect((await http("/audit", member)).status).toBe(200);
		expect((await http("/audit/verify", member)).status).toBe(200);
	});

	it("refuses bad filters, naming each field", async () => {
		const bad = await http("/audit?limit=501&from=yesterday&action=deposits&colour=red", admin);
		expect(bad.status).toBe(422);
		expect((bad.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(["(body)", "action", "from", "limit"]);
	});
});

import { TRANSACTIONS_PAGE_SQL } from "../../../services/ledger/queries.ts";
import { type PlanDatabase, planDatabase } from "../../support/plan-database.ts";
import { requireServers } from "../../support/servers.ts";

/**
 * A page of an account's lines must come off the primary key in order. With sorting priced
 * out, a plan that still sorts means the ORDER BY is one no index can serve (a cast alias,
 * say), and every page would sort the account's whole history.
 */
describe("ledger transactions page", () => {
	let db: PlanDatabase;
	beforeAll(async () => {
		await requireServers("postgres");
		db = await planDatabase("ledger_plan", ["ledger"]);
	});
	afterAll(async () => {
		await db?.drop();
	});

	const planOf = (values: unknown[]) => db.planOf(TRANSACTIONS_PAGE_SQL, values);

	it("reads the first page backwards off the primary key, without a sort", async () => {
		const plan = await planOf(["acc-1", null, 50]);
		expect(plan).toContain("Index Scan Backward using ledger_account_transactions_pkey");
		expect(plan).not.toContain("Sort");
	});

	it("reads a later page from its position on, without a sort", async () => {
		const plan = await planOf(["acc-1", 1_000, 50]);
		expect(plan).toContain("Index Scan Backward using ledger_account_transactions_pkey");
		expect(plan).toMatch(/Index Cond: .*"position" < /);
		expect(plan).not.toContain("Sort");
	});
});

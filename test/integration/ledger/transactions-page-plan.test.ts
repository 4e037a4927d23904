import { join } from "node:path";
import pg from "pg";
import pino from "pino";
import { migrate } from "../../../platform/migrate/index.ts";
import { TRANSACTIONS_PAGE_SQL } from "../../../services/ledger/queries.ts";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { PROJECT_ROOT } from "../../support/node-process.ts";
import { requireServers } from "../../support/servers.ts";

/**
 * A page of an account's lines must come off the primary key in order. With sorting priced
 * out, a plan that still sorts means the ORDER BY is one no index can serve (a cast alias,
 * say), and every page would sort the account's whole history.
 */
describe("ledger transactions page", () => {
	let db: TestDatabase;
	let client: pg.Client;
	beforeAll(async () => {
		await requireServers("postgres");
		db = await createTestDatabase("ledger_plan");
		const pool = new pg.Pool({ connectionString: db.url, max: 1 });
		await migrate(pool, join(PROJECT_ROOT, "migrations"), ["ledger"], pino({ level: "silent" }));
		await pool.end();
		client = new pg.Client({ connectionString: db.url });
		await client.connect();
		await client.query("SET enable_sort = off");
	});
	afterAll(async () => {
		await client?.end();
		await db?.drop();
	});

	const planOf = async (values: unknown[]) => {
		const { rows } = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ${TRANSACTIONS_PAGE_SQL}`, values);
		return rows.map((r) => r["QUERY PLAN"]).join("\n");
	};

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

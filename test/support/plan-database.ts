import { join } from "node:path";
import pg from "pg";
import pino from "pino";
import { migrate } from "../../platform/migrate/index.ts";
import { createTestDatabase } from "./database.ts";
import { PROJECT_ROOT } from "./node-process.ts";

export type PlanDatabase = {
	/** The plan Postgres picks for `sql` with these parameters, as EXPLAIN prints it. */
	planOf(sql: string, values: unknown[]): Promise<string>;
	drop(): Promise<void>;
};

/**
 * A database with the modules' tables and sorting priced out (`enable_sort = off`): a plan that
 * still sorts then means that no index yields the rows in the statement's order.
 */
export async function planDatabase(name: string, modules: string[]): Promise<PlanDatabase> {
	const db = await createTestDatabase(name);
	const pool = new pg.Pool({ connectionString: db.url, max: 1 });
	await migrate(pool, join(PROJECT_ROOT, "migrations"), modules, pino({ level: "silent" }));
	await pool.end();
	const client = new pg.Client({ connectionString: db.url });
	await client.connect();
	await client.query("SET enable_sort = off");
	return {
		async planOf(sql, values) {
			const { rows } = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ${sql}`, values);
			return rows.map((r) => r["QUERY PLAN"]).join("\n");
		},
		async drop() {
			await client.end();
			await db.drop();
		},
	};
}

import { randomUUID } from "node:crypto";
import pg from "pg";
import { SERVERS } from "./servers.ts";

export type TestDatabase = { url: string; name: string; drop(): Promise<void> };

/** A fresh database of its own for one test file, dropped afterwards. */
export async function createTestDatabase(prefix = "t"): Promise<TestDatabase> {
	const name = `${prefix}_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
	await adminQuery(`CREATE DATABASE ${name}`);
	const url = new URL(SERVERS.postgres);
	url.pathname = `/${name}`;
	return {
		name,
		url: url.toString(),
		drop: () => dropDatabase(name),
	};
}

/** How long a drop lets the database's sessions finish closing before it terminates them. */
const CLOSING_GRACE_MS = 2_000;

/**
 * Drops the database, first giving sessions that are closing a moment to go: pg.Pool#end()
 * resolves before its connections have closed, and a session terminated while its client is
 * closing surfaces as an unhandled error in the test process.
 */
async function dropDatabase(name: string): Promise<void> {
	await withAdmin(async (client) => {
		const deadline = Date.now() + CLOSING_GRACE_MS;
		for (;;) {
			const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1", [name]);
			if (rows[0]?.n === 0 || Date.now() > deadline) break;
			await new Promise((r) => setTimeout(r, 20));
		}
		await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
	});
}

function adminQuery(sql: string): Promise<void> {
	return withAdmin(async (client) => {
		await client.query(sql);
	});
}

async function withAdmin(fn: (client: pg.Client) => Promise<void>): Promise<void> {
	const client = new pg.Client({ connectionString: SERVERS.postgres });
	await client.connect();
	try {
		await fn(client);
	} finally {
		await client.end();
	}
}

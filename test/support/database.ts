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
		drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
	};
}

async function adminQuery(sql: string): Promise<void> {
	const client = new pg.Client({ connectionString: SERVERS.postgres });
	await client.connect();
	try {
		await client.query(sql);
	} finally {
		await client.end();
	}
}

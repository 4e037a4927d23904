import { join } from "node:path";
import pg from "pg";
import pino from "pino";
import { EventStore } from "../../platform/eventstore/index.ts";
import { migrate } from "../../platform/migrate/index.ts";
import { createTestDatabase, type TestDatabase } from "./database.ts";
import { PROJECT_ROOT } from "./node-process.ts";

export type EventStoreDb = { db: TestDatabase; pool: pg.Pool; store: EventStore; close(): Promise<void> };

/** A fresh database with the kernel's migrations (the events table) applied, and a store on it. */
export async function createEventStoreDb(poolMax = 10): Promise<EventStoreDb> {
	const db = await createTestDatabase("es");
	const pool = new pg.Pool({ connectionString: db.url, max: poolMax });
	await migrate(pool, join(PROJECT_ROOT, "migrations"), [], pino({ level: "silent" }));
	return {
		db,
		pool,
		store: new EventStore(pool),
		close: async () => {
			await pool.end();
			await db.drop();
		},
	};
}

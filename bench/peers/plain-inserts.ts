import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "../../test/support/database.ts";
import { ROOT } from "../support.ts";

/** The events table exactly as the platform's migrations leave it. */
const EVENT_STORE_SQL = ["001_event_store.sql", "004_notify_after_commit.sql"]
	.map((file) => readFileSync(join(ROOT, "migrations", "platform", file), "utf8"))
	.join("\n");

const INSERT_SQL = `INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata)
VALUES ($1, $2, $3, $4, $5, $6, $7)`;

/**
 * The append benchmark's peer: one parameterised INSERT per event into an identical events
 * table on a fresh database, the version counted in memory instead of checked by the
 * database.
 */
export class PlainInserts {
	readonly #db: TestDatabase;
	readonly #pool: pg.Pool;
	readonly #versions = new Map<string, number>();

	private constructor(db: TestDatabase, poolMax: number) {
		this.#db = db;
		this.#pool = new pg.Pool({ connectionString: db.url, max: poolMax });
	}

	static async create(poolMax: number): Promise<PlainInserts> {
		const peer = new PlainInserts(await createTestDatabase("bench_inserts"), poolMax);
		await peer.#pool.query(EVENT_STORE_SQL);
		return peer;
	}

	/** Inserts the next event of `streamId`, with the metadata a command through the broker records. */
	async insert(streamId: string, type: string, data: unknown): Promise<void> {
		const version = (this.#versions.get(streamId) ?? 0) + 1;
		this.#versions.set(streamId, version);
		const metadata = { correlationId: randomUUID(), causationId: randomUUID() };
		await this.#pool.query(INSERT_SQL, [streamId, version, randomUUID(), type, 1, JSON.stringify(data), JSON.stringify(metadata)]);
	}

	async close(): Promise<void> {
		await this.#pool.end();
		await this.#db.drop();
	}
}

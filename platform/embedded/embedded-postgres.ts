import { join } from "node:path";
import type { Duplex } from "node:stream";
import { PGlite } from "@electric-sql/pglite";
import { lockDataDir } from "./data-dir-lock.ts";
import { PgliteSessions } from "./pglite-sessions.ts";
import { PgliteStream } from "./pglite-stream.ts";

/**
 * The embedded profile's Postgres: PGlite (Postgres compiled to WebAssembly) in this process,
 * its files under `<dataDir>/postgres`. node-postgres reaches it through in-process streams,
 * so the pool, the migrations, the SQL and its errors are those of the servers profile.
 */
export class EmbeddedPostgres {
	readonly #db: PGlite;
	readonly #sessions: PgliteSessions;
	readonly #unlock: () => void;

	constructor(dataDir: string) {
		this.#unlock = lockDataDir(dataDir);
		// The constructor returns at once; the first statement waits until PGlite is ready.
		this.#db = new PGlite(join(dataDir, "postgres"));
		this.#sessions = new PgliteSessions(this.#db);
	}

	/** A new connection's socket, for node-postgres's `stream` option. */
	connect(): Duplex {
		return new PgliteStream(this.#sessions);
	}

	async close(): Promise<void> {
		try {
			await this.#db.close();
		} finally {
			this.#unlock();
		}
	}
}

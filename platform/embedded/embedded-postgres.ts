import { join, resolve } from "node:path";
import type { Duplex } from "node:stream";
import { lockDataDir } from "./data-dir-lock.ts";
import { IDLE_IN_TRANSACTION_MS, PgliteSessions } from "./pglite-sessions.ts";
import { PgliteStream } from "./pglite-stream.ts";
import { PgliteThread } from "./pglite-thread.ts";

/**
 * The embedded profile's Postgres: PGlite (Postgres compiled to WebAssembly) on a thread of
 * this process, its files under `<dataDir>/postgres`. node-postgres reaches it through
 * in-process streams, so the pool, the migrations, the SQL and its errors are those of the
 * servers profile.
 */
export class EmbeddedPostgres {
	readonly #db: PgliteThread;
	readonly #sessions: PgliteSessions;
	readonly #unlock: () => void;

	/** Databases started before the platform was loaded (see prestart), by folder. */
	static readonly #prestarted = new Map<string, EmbeddedPostgres>();

	/**
	 * Starts the database of `dataDir` now, for `open` to take later: PGlite's start (about a
	 * second on its thread) then runs while the main thread loads the platform's modules.
	 */
	static prestart(dataDir: string): void {
		const path = resolve(dataDir);
		if (!EmbeddedPostgres.#prestarted.has(path)) EmbeddedPostgres.#prestarted.set(path, new EmbeddedPostgres(path, IDLE_IN_TRANSACTION_MS));
	}

	/**
	 * The database of `dataDir`: the one prestart began, or a new one, whose idle transactions
	 * that others wait for end after `idleInTransactionMs` (see PgliteSessions).
	 */
	static open(dataDir: string, idleInTransactionMs = IDLE_IN_TRANSACTION_MS): EmbeddedPostgres {
		const path = resolve(dataDir);
		const started = EmbeddedPostgres.#prestarted.get(path);
		EmbeddedPostgres.#prestarted.delete(path);
		return started ?? new EmbeddedPostgres(path, idleInTransactionMs);
	}

	private constructor(dataDir: string, idleInTransactionMs: number) {
		this.#unlock = lockDataDir(dataDir);
		// PGlite starts on its thread at once; the first statement waits until it is ready.
		this.#db = new PgliteThread(join(dataDir, "postgres"));
		this.#sessions = new PgliteSessions(this.#db, idleInTransactionMs);
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

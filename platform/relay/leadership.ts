import pg from "pg";
import type { Logger } from "pino";

/** The advisory lock every relay of one database competes for (advisory locks are per database). */
const LOCK_KEY = "platform.relay";

/**
 * The claim to be the one active relay: a session advisory lock held on a connection of its
 * own (never a pool client, which would carry the lock back into the pool). It lasts exactly
 * as long as that session: when the node dies, Postgres ends the session, the lock goes, and
 * a standby's next try wins.
 */
export class Leadership {
	readonly #url: string;
	readonly #logger: Logger;
	readonly #onLost: () => void;
	#client: pg.Client | undefined;
	#held = false;

	/** `onLost` is called when the session holding the lock breaks. */
	constructor(url: string, logger: Logger, onLost: () => void) {
		this.#url = url;
		this.#logger = logger;
		this.#onLost = onLost;
	}

	get held(): boolean {
		return this.#held;
	}

	/** The session holding the lock; checkpoint writes go through it, so a relay that lost it cannot write. */
	get client(): pg.Client {
		if (!this.#held || !this.#client) throw new Error("this relay does not hold the relay lock");
		return this.#client;
	}

	/** Tries once to take the lock, connecting first if need be; true when this session holds it. */
	async tryAcquire(): Promise<boolean> {
		if (this.#held) return true;
		const client = await this.#connected();
		const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock(hashtext($1)) AS locked", [LOCK_KEY]);
		this.#held = rows[0]?.locked === true;
		return this.#held;
	}

	/** Releases the lock (if held) and ends the session. */
	async close(): Promise<void> {
		const client = this.#client;
		const held = this.#held;
		this.#client = undefined;
		this.#held = false;
		if (!client) return;
		try {
			if (held) await client.query("SELECT pg_advisory_unlock(hashtext($1))", [LOCK_KEY]);
		} finally {
			await client.end();
		}
	}

	async #connected(): Promise<pg.Client> {
		if (this.#client) return this.#client;
		// keepAlive lets a dead peer be noticed on an idle session rather than never.
		const client = new pg.Client({ connectionString: this.#url, keepAlive: true, application_name: "platform relay" });
		client.on("error", (err) => this.#drop(client, err));
		client.on("end", () => this.#drop(client));
		await client.connect();
		// This session writes only the checkpoint. A crash may lose its last few updates, which
		// sends those events to Kafka again (consumers ignore what they applied); waiting for
		// a WAL flush after every batch would slow the relay for nothing.
		await client.query("SET synchronous_commit TO off");
		this.#client = client;
		return client;
	}

	#drop(client: pg.Client, err?: Error): void {
		if (client !== this.#client) return;
		const wasHeld = this.#held;
		this.#client = undefined;
		this.#held = false;
		void client.end().catch(() => undefined);
		if (!wasHeld) return;
		this.#logger.warn({ err }, "relay lost its Postgres session and with it the relay lock");
		this.#onLost();
	}
}

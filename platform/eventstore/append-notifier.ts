import type pg from "pg";

/** The channel the relay LISTENs on; a notification means "events were committed". */
export const EVENTS_CHANNEL = "platform_events";

/**
 * Wakes the relay after appends have committed, outside their transactions, coalescing:
 * while one NOTIFY is on its way every further append just marks one more as due. A lost
 * notification costs at most the relay's poll interval, so failures are only counted.
 */
export class AppendNotifier {
	readonly #pool: pg.Pool;
	#sending = false;
	#due = false;
	failures = 0;

	constructor(pool: pg.Pool) {
		this.#pool = pool;
	}

	/** Called after each successful append. */
	poke(): void {
		if (this.#sending) {
			this.#due = true;
			return;
		}
		this.#sending = true;
		this.#pool
			.query("SELECT pg_notify($1, '')", [EVENTS_CHANNEL])
			.catch(() => {
				this.failures++;
			})
			.finally(() => {
				this.#sending = false;
				if (!this.#due) return;
				this.#due = false;
				this.poke();
			});
	}
}

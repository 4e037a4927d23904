import type pg from "pg";

/** The channel the relay LISTENs on; a notification means "events were committed". */
export const EVENTS_CHANNEL = "platform_events";

/**
 * At most one NOTIFY per this many ms. Each is a transaction of its own on the server; at
 * thousands of appends a second, one per append cost a tenth of the append throughput, while
 * the relay, once woken, reads everything committed anyway. The wait it adds is this bound.
 */
const MIN_INTERVAL_MS = 2;

/**
 * A NOTIFY takes a transaction id, so its commit waits for a WAL flush like an append's.
 * Nothing is lost if a crash drops a notification (the relay polls too), so it commits
 * asynchronously. One simple query runs both statements in one implicit transaction, which
 * is what SET LOCAL applies to; the session keeps its own setting.
 */
const NOTIFY_SQL = `SET LOCAL synchronous_commit TO off; SELECT pg_notify('${EVENTS_CHANNEL}', '')`;

/**
 * Wakes the relay after appends have committed, outside their transactions, coalescing:
 * while one NOTIFY is on its way or spaced out, further appends just mark one more as due.
 * A lost notification costs at most the relay's poll interval (and the relay re-reads soon
 * when events are held back), so a failed one is dropped: a database that refuses it refuses
 * the appends too, and those report it.
 */
export class AppendNotifier {
	readonly #pool: pg.Pool;
	#busy = false;
	#due = false;
	#lastSentAt = -Infinity;
	#localRelayLeads: () => boolean = () => false;

	constructor(pool: pg.Pool) {
		this.#pool = pool;
	}

	/**
	 * This process's relay hears of its appends in-process; while it is the active relay, a
	 * NOTIFY would only wake it a second time, at the cost of a transaction on the server per
	 * wake-up. Relays of other processes stand by and read from the checkpoint when they take over.
	 */
	servesLocalRelay(leads: () => boolean): void {
		this.#localRelayLeads = leads;
	}

	/** Called after each successful append. */
	poke(): void {
		if (this.#localRelayLeads()) return;
		if (this.#busy) {
			this.#due = true;
			return;
		}
		this.#busy = true;
		const wait = this.#lastSentAt + MIN_INTERVAL_MS - performance.now();
		if (wait > 0) setTimeout(() => this.#send(), wait).unref();
		else this.#send();
	}

	#send(): void {
		this.#lastSentAt = performance.now();
		this.#pool
			.query(NOTIFY_SQL)
			.catch(() => undefined)
			.finally(() => {
				this.#busy = false;
				if (!this.#due) return;
				this.#due = false;
				this.poke();
			});
	}
}

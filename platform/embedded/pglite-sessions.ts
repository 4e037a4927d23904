/** A connection's messages up to and including a Sync or a simple Query: they run back to back. */
type Unit = { connection: number; messages: Uint8Array[]; onData: (data: Uint8Array) => void; done: (err?: Error) => void };

/** ReadyForQuery's status byte: idle, in a transaction, in a failed transaction. */
const IDLE = "I".charCodeAt(0);

/** What a connection whose idle transaction was rolled back hears on its next statement. */
function endedError(ms: number): Error {
	return new Error(
		`the embedded database rolled back this connection's transaction: it sat idle for ${ms} ms while other connections waited (transactions take turns on the embedded profile; do not wait on another connection inside one)`,
	);
}

/** A simple Query message, as a connection that goes away mid-transaction would send it. */
function simpleQuery(sql: string): Uint8Array {
	const text = Buffer.from(`${sql}\0`);
	const message = Buffer.alloc(5 + text.length);
	message.write("Q", 0);
	message.writeInt32BE(4 + text.length, 1);
	text.copy(message, 5);
	return message;
}

/** Where units run: PGlite, one unit at a time. */
export type SessionBackend = { run(messages: Uint8Array[], onData: (data: Uint8Array) => void): Promise<void> };

/**
 * How long a transaction may sit idle while other connections wait for it. On a server they
 * would run beside it; here they cannot, so a transaction that awaits another connection's
 * statement would wait for ever. Past this, the transaction is rolled back and its connection
 * ended with an error saying why, like Postgres's idle_in_transaction_session_timeout.
 */
export const IDLE_IN_TRANSACTION_MS = 10_000;

/**
 * Shares PGlite's one Postgres session among many wire-protocol connections. A connection's
 * messages run as units that end at a Sync or a simple Query, so one connection's extended
 * query (Parse, Bind, Execute, Sync) is never split by another's. While a unit leaves a
 * transaction open, only its connection's units run until the transaction ends: each
 * connection sees a transaction of its own, as on a real server, and transactions run one
 * after another instead of side by side (see IDLE_IN_TRANSACTION_MS).
 */
export class PgliteSessions {
	readonly #backend: SessionBackend;
	readonly #queue: Unit[] = [];
	/** The connection whose transaction is open; only its units may run. */
	#owner: number | undefined;
	#running = false;
	#nextConnection = 1;
	readonly #idleInTransactionMs: number;
	/** Set while the owner is idle in its transaction and others wait. */
	#idleTimer: NodeJS.Timeout | undefined;
	/** Connections whose transaction was ended for idling; their later units fail. */
	readonly #ended = new Set<number>();

	constructor(backend: SessionBackend, idleInTransactionMs = IDLE_IN_TRANSACTION_MS) {
		this.#backend = backend;
		this.#idleInTransactionMs = idleInTransactionMs;
	}

	open(): number {
		return this.#nextConnection++;
	}

	/** Runs a connection's unit in its turn; `onData` receives the server's answer as it comes. */
	run(connection: number, messages: Uint8Array[], onData: (data: Uint8Array) => void): Promise<void> {
		if (this.#ended.has(connection)) return Promise.reject(endedError(this.#idleInTransactionMs));
		if (connection === this.#owner) this.#stopIdleTimer();
		return new Promise((resolve, reject) => {
			this.#queue.push({ connection, messages, onData, done: (err) => (err ? reject(err) : resolve()) });
			void this.#drain();
		});
	}

	/** Drops a closed connection's waiting units and rolls back a transaction it left open. */
	async close(connection: number): Promise<void> {
		this.#ended.delete(connection);
		for (let i = this.#queue.length - 1; i >= 0; i--) {
			const unit = this.#queue[i];
			if (unit?.connection !== connection) continue;
			this.#queue.splice(i, 1);
			unit.done(new Error("connection closed"));
		}
		if (this.#owner === connection) await this.run(connection, [simpleQuery("ROLLBACK")], () => undefined);
	}

	async #drain(): Promise<void> {
		if (this.#running) return;
		this.#running = true;
		try {
			for (let unit = this.#next(); unit; unit = this.#next()) await this.#execute(unit);
		} finally {
			this.#running = false;
		}
		// Nothing can run: others wait for an open transaction whose connection sends nothing.
		if (this.#owner !== undefined && this.#queue.length > 0 && !this.#idleTimer) {
			const owner = this.#owner;
			this.#idleTimer = setTimeout(() => void this.#endIdleTransaction(owner), this.#idleInTransactionMs).unref();
		}
	}

	#stopIdleTimer(): void {
		clearTimeout(this.#idleTimer);
		this.#idleTimer = undefined;
	}

	async #endIdleTransaction(owner: number): Promise<void> {
		this.#idleTimer = undefined;
		if (this.#owner !== owner || this.#running) return;
		this.#ended.add(owner);
		this.#running = true;
		try {
			await this.#backend.run([simpleQuery("ROLLBACK")], () => undefined).catch(() => undefined);
			this.#owner = undefined;
		} finally {
			this.#running = false;
		}
		void this.#drain();
	}

	#next(): Unit | undefined {
		const index = this.#owner === undefined ? 0 : this.#queue.findIndex((u) => u.connection === this.#owner);
		return index < 0 ? undefined : this.#queue.splice(index, 1)[0];
	}

	async #execute(unit: Unit): Promise<void> {
		let status: number | undefined;
		try {
			await this.#backend.run(unit.messages, (data) => {
				// The answer ends with ReadyForQuery, whose last byte is the session's status.
				if (data.length > 0) status = data[data.length - 1];
				unit.onData(data);
			});
			if (status !== undefined) this.#owner = status === IDLE ? undefined : unit.connection;
			if (this.#owner === undefined) this.#stopIdleTimer();
			unit.done();
		} catch (err) {
			unit.done(err as Error);
		}
	}
}

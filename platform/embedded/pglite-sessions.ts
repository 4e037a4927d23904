/** A connection's messages up to and including a Sync or a simple Query: they run back to back. */
type Unit = { connection: number; messages: Uint8Array[]; onData: (data: Uint8Array) => void; done: (err?: Error) => void };

/** ReadyForQuery's status byte: idle, in a transaction, in a failed transaction. */
const IDLE = "I".charCodeAt(0);

/** A simple Query message, as a connection that goes away mid-transaction would send it. */
function simpleQuery(sql: string): Uint8Array {
	const text = Buffer.from(`${sql}\0`);
	const message = Buffer.alloc(5 + text.length);
	message.write("Q", 0);
	message.writeInt32BE(4 + text.length, 1);
	text.copy(message, 5);
	return message;
}

/**
 * Shares PGlite's one Postgres session among many wire-protocol connections. A connection's
 * messages run as units that end at a Sync or a simple Query, so one connection's extended
 * query (Parse, Bind, Execute, Sync) is never split by another's. While a unit leaves a
 * transaction open, only its connection's units run until the transaction ends: each
 * connection sees a transaction of its own, as on a real server, and transactions run one
 * after another instead of side by side.
 */
/** Where units run: PGlite, one unit at a time. */
export type SessionBackend = { run(messages: Uint8Array[], onData: (data: Uint8Array) => void): Promise<void> };

export class PgliteSessions {
	readonly #backend: SessionBackend;
	readonly #queue: Unit[] = [];
	/** The connection whose transaction is open; only its units may run. */
	#owner: number | undefined;
	#running = false;
	#nextConnection = 1;

	constructor(backend: SessionBackend) {
		this.#backend = backend;
	}

	open(): number {
		return this.#nextConnection++;
	}

	/** Runs a connection's unit in its turn; `onData` receives the server's answer as it comes. */
	run(connection: number, messages: Uint8Array[], onData: (data: Uint8Array) => void): Promise<void> {
		return new Promise((resolve, reject) => {
			this.#queue.push({ connection, messages, onData, done: (err) => (err ? reject(err) : resolve()) });
			void this.#drain();
		});
	}

	/** Drops a closed connection's waiting units and rolls back a transaction it left open. */
	async close(connection: number): Promise<void> {
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
			unit.done();
		} catch (err) {
			unit.done(err as Error);
		}
	}
}

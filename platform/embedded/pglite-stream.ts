import { Duplex } from "node:stream";
import type { PgliteSessions } from "./pglite-sessions.ts";

/** Message types that end a unit: the server answers them with ReadyForQuery. */
const SYNC = "S".charCodeAt(0);
const QUERY = "Q".charCodeAt(0);
const TERMINATE = "X".charCodeAt(0);
/** Messages that name a prepared statement or a portal. */
const PARSE = "P".charCodeAt(0);
const BIND = "B".charCodeAt(0);
const DESCRIBE = "D".charCodeAt(0);
const CLOSE = "C".charCodeAt(0);
/** What a Close or Describe is about: `S` a prepared statement (`P` would be a portal). */
const STATEMENT = "S".charCodeAt(0);
/** The untyped first messages: a StartupMessage's protocol 3.0, or a CancelRequest on a fresh connection. */
const PROTOCOL_3 = 196_608;
const CANCEL_REQUEST = 80_877_102;

/** A protocol message of `type` with the given body. */
function message(type: number, body: Buffer): Buffer {
	const out = Buffer.alloc(5 + body.length);
	out[0] = type;
	out.writeInt32BE(4 + body.length, 1);
	body.copy(out, 5);
	return out;
}

/** Splits a body into its leading NUL-terminated strings (`count` of them) and the rest. */
function cstrings(body: Buffer, count: number): { names: string[]; rest: Buffer } {
	const names: string[] = [];
	let at = 0;
	for (let i = 0; i < count; i++) {
		const end = body.indexOf(0, at);
		names.push(body.toString("utf8", at, end));
		at = end + 1;
	}
	return { names, rest: body.subarray(at) };
}

const cstring = (text: string) => Buffer.from(`${text}\0`);

/**
 * The socket node-postgres talks through (its `stream` option) to reach PGlite in this
 * process: what pg writes is cut into protocol messages and handed to the shared session a
 * unit at a time; PGlite's answer is what pg reads. No port is opened, so nothing outside
 * the process can reach the embedded database.
 *
 * Prepared statements and portals live in the session, which every connection shares, while
 * pg names them per connection (it prepares `eventstore.read-all` once on each). Their names
 * are therefore given this connection's prefix on the way in, and what it prepared is
 * deallocated when it closes.
 */
export class PgliteStream extends Duplex {
	readonly #sessions: PgliteSessions;
	readonly #connection: number;
	#buffer: Buffer = Buffer.alloc(0);
	#pending: Uint8Array[] = [];
	#started = false;
	/** The statements this connection prepared, by their name in the session. */
	readonly #statements = new Set<string>();
	/** Units run in the order pg sent them. */
	#tail: Promise<void> = Promise.resolve();

	constructor(sessions: PgliteSessions) {
		super();
		this.#sessions = sessions;
		this.#connection = sessions.open();
	}

	/** pg's socket calls; there is no network under this stream. */
	connect(): this {
		process.nextTick(() => this.emit("connect"));
		return this;
	}
	setNoDelay(): this {
		return this;
	}
	setKeepAlive(): this {
		return this;
	}
	ref(): this {
		return this;
	}
	unref(): this {
		return this;
	}

	override _read(): void {}

	override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
		this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
		try {
			for (let message = this.#take(); message; message = this.#take()) this.#accept(message);
			callback();
		} catch (err) {
			callback(err as Error);
		}
	}

	override _final(callback: (error?: Error | null) => void): void {
		this.#close().then(() => callback(), callback);
	}

	override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
		this.#close().then(
			() => callback(error),
			() => callback(error),
		);
	}

	/** The next whole message in the buffer, if one has arrived. */
	#take(): Buffer | undefined {
		const typed = this.#started;
		const header = typed ? 5 : 4;
		if (this.#buffer.length < header) return undefined;
		const length = (typed ? this.#buffer.readInt32BE(1) : this.#buffer.readInt32BE(0)) + (typed ? 1 : 0);
		if (this.#buffer.length < length) return undefined;
		const message = this.#buffer.subarray(0, length);
		this.#buffer = this.#buffer.subarray(length);
		return message;
	}

	#accept(message: Buffer): void {
		if (!this.#started) {
			const code = message.readInt32BE(4);
			if (code === CANCEL_REQUEST) throw new Error("cancelling a query is not supported by the embedded database");
			if (code !== PROTOCOL_3) throw new Error(`unsupported startup request ${code} (no TLS to the embedded database)`);
			this.#started = true;
			this.#submit([message]);
			return;
		}
		const type = message[0];
		// Terminate would end PGlite's one session for everyone; the connection just goes away,
		// once the answers to what it sent before have reached pg.
		if (type === TERMINATE) {
			this.#tail = this.#tail.then(() => void this.push(null));
			return;
		}
		this.#pending.push(this.#scoped(message));
		if (type === SYNC || type === QUERY) {
			this.#submit(this.#pending);
			this.#pending = [];
		}
	}

	/** The message with any statement or portal name it holds made this connection's own. */
	#scoped(original: Buffer): Buffer {
		const type = original[0] as number;
		const body = original.subarray(5);
		const own = (name: string) => (name === "" ? "" : `c${this.#connection}_${name}`);
		if (type === PARSE) {
			const { names, rest } = cstrings(body, 1);
			const name = own(names[0] as string);
			if (name) this.#statements.add(name);
			return message(type, Buffer.concat([cstring(name), rest]));
		}
		if (type === BIND) {
			const { names, rest } = cstrings(body, 2);
			return message(type, Buffer.concat([cstring(own(names[0] as string)), cstring(own(names[1] as string)), rest]));
		}
		if (type === DESCRIBE || type === CLOSE) {
			const { names } = cstrings(body.subarray(1), 1);
			const name = own(names[0] as string);
			if (type === CLOSE && body[0] === STATEMENT) this.#statements.delete(name);
			return message(type, Buffer.concat([body.subarray(0, 1), cstring(name)]));
		}
		return original;
	}

	#submit(messages: Uint8Array[]): void {
		this.#tail = this.#tail.then(() =>
			this.#sessions
				.run(this.#connection, messages, (data) => {
					if (!this.destroyed) this.push(Buffer.from(data));
				})
				.catch((err: Error) => {
					this.destroy(err);
				}),
		);
	}

	#closing: Promise<void> | undefined;
	#close(): Promise<void> {
		this.#closing ??= this.#deallocate().then(() => this.#sessions.close(this.#connection));
		return this.#closing;
	}

	/** Closes the statements this connection prepared: the session outlives it. */
	async #deallocate(): Promise<void> {
		if (this.#statements.size === 0) return;
		const closes = [...this.#statements].map((name) => message(CLOSE, Buffer.concat([Buffer.of(STATEMENT), cstring(name)])));
		this.#statements.clear();
		await this.#tail;
		await this.#sessions.run(this.#connection, [...closes, message(SYNC, Buffer.alloc(0))], () => undefined).catch(() => undefined);
	}
}

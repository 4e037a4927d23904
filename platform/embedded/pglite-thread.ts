import { Worker } from "node:worker_threads";
import type { WorkerReply, WorkerRequest } from "./pglite-worker.ts";

type Pending = { onData: (data: Uint8Array) => void; resolve: () => void; reject: (err: Error) => void };

/**
 * PGlite on a worker thread of its own (pglite-worker.ts), seen from the main thread: `run`
 * sends a unit of protocol messages and streams the answer back. If the thread dies, every
 * unit in flight and every later one fails with the reason, and readiness reports it.
 */
export class PgliteThread {
	readonly #worker: Worker;
	readonly #pending = new Map<number, Pending>();
	#nextId = 1;
	#failure: Error | undefined;
	#closed: Promise<void> | undefined;
	#onClosed: (() => void) | undefined;

	constructor(dataDir: string) {
		this.#worker = new Worker(new URL("./pglite-worker.ts", import.meta.url), { workerData: { dataDir } });
		this.#worker.on("message", (reply: WorkerReply) => this.#receive(reply));
		this.#worker.on("error", (err) => this.#fail(err));
		this.#worker.on("exit", (code) => {
			if (this.#closed) this.#onClosed?.();
			else this.#fail(new Error(`the embedded database's thread exited (code ${code})`));
		});
	}

	run(messages: Uint8Array[], onData: (data: Uint8Array) => void): Promise<void> {
		if (this.#failure) return Promise.reject(this.#failure);
		const id = this.#nextId++;
		return new Promise((resolve, reject) => {
			this.#pending.set(id, { onData, resolve, reject });
			this.#worker.postMessage({ kind: "run", id, messages } satisfies WorkerRequest);
		});
	}

	/** Closes PGlite cleanly (a checkpoint, so the next start needs no recovery), then ends the thread. */
	close(): Promise<void> {
		this.#closed ??= new Promise<void>((resolve) => {
			this.#onClosed = resolve;
			if (this.#failure) return void this.#worker.terminate().then(() => resolve());
			this.#worker.postMessage({ kind: "close" } satisfies WorkerRequest);
		});
		return this.#closed;
	}

	#receive(reply: WorkerReply): void {
		if (reply.kind === "data") this.#pending.get(reply.id)?.onData(reply.chunk);
		else if (reply.kind === "done") {
			const pending = this.#pending.get(reply.id);
			this.#pending.delete(reply.id);
			if (reply.error) pending?.reject(new Error(reply.error));
			else pending?.resolve();
		} else if (reply.kind === "failed") this.#fail(new Error(`the embedded database did not start: ${reply.error}`));
		else if (reply.kind === "closed") void this.#worker.terminate();
	}

	#fail(err: Error): void {
		this.#failure ??= err;
		for (const pending of this.#pending.values()) pending.reject(this.#failure);
		this.#pending.clear();
	}
}

/**
 * The embedded database's thread: PGlite runs here, so its start (about a second of
 * WebAssembly) overlaps the loading of the services, and its statements leave the event loop
 * that serves requests free. The main thread sends units of protocol messages (PgliteSessions
 * decides whose turn it is); each answer streams back in chunks, then `done`.
 */
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import { seedFromTemplate } from "./data-template.ts";

export type WorkerRequest = { kind: "run"; id: number; messages: Uint8Array[] } | { kind: "close" };
export type WorkerReply =
	| { kind: "data"; id: number; chunk: Uint8Array }
	| { kind: "done"; id: number; error?: string }
	| { kind: "closed" }
	| { kind: "failed"; error: string };

const port = parentPort;
if (!port) throw new Error("pglite-worker.ts runs as a worker thread");
/**
 * Postgres's 128 MB default for shared buffers is memory a workstation's process keeps for
 * good (about 130 MB of its idle RSS); a database this size fits in 16 MB, and its files are
 * read through the OS's page cache anyway (PGlite keeps them on the real file system).
 */
const SETTINGS = ["shared_buffers = 16MB"];

const { dataDir } = workerData as { dataDir: string };
seedFromTemplate(dataDir);
const db = new PGlite(dataDir, { postgresqlconf: SETTINGS });
const send = (reply: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

db.waitReady.catch((err: Error) => send({ kind: "failed", error: err.message }));

/** Units arrive one at a time (the main thread waits for `done`), so no queue is needed here. */
port.on("message", async (request: WorkerRequest) => {
	if (request.kind === "close") {
		await db.close().catch(() => undefined);
		send({ kind: "closed" });
		return;
	}
	try {
		await db.waitReady;
		for (const message of request.messages) {
			await db.execProtocolRawStream(message, {
				onRawData: (data) => {
					// The chunk may be a view of PGlite's memory: a copy of its own is sent (and moved, not copied again).
					const chunk = data.slice();
					send({ kind: "data", id: request.id, chunk }, [chunk.buffer as ArrayBuffer]);
				},
			});
		}
		send({ kind: "done", id: request.id });
	} catch (err) {
		send({ kind: "done", id: request.id, error: (err as Error).message });
	}
});

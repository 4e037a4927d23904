import type { Server } from "node:http";
import { Server as NetServer } from "node:net";
import { sleep } from "../retry/index.ts";

/**
 * Stops accepting connections and resolves once every request in flight has been answered.
 *
 * http.Server#close() also drops idle keep-alive sockets at once, and a socket accepted a
 * moment ago counts as idle until its first request is parsed: closing it then resets a
 * request the client already sent. So only the listener closes at first; idle sockets are
 * closed after a short grace, and again until none is left.
 */
export async function drainHttpServer(server: Server, graceMs = 250): Promise<void> {
	if (!server.listening) return;
	const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
	await sleep(graceMs);
	const sweeper = setInterval(() => server.closeIdleConnections(), 50);
	server.closeIdleConnections();
	try {
		await closed;
	} finally {
		clearInterval(sweeper);
	}
}

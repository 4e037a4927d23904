import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import { drainHttpServer } from "../http/drain.ts";
import type { Readiness } from "./readiness.ts";

/** The node's operations endpoints, on a port of their own: /healthz, /readyz, /metrics. */
export class OpsServer {
	readonly #server: Server;

	constructor(readiness: Readiness, metrics: Registry) {
		this.#server = createServer(async (req, res) => {
			const path = (req.url ?? "/").split("?")[0];
			try {
				if (req.method !== "GET") return send(res, 405, "application/json", { error: "method not allowed" });
				if (path === "/healthz") return send(res, 200, "application/json", { status: "ok" });
				if (path === "/readyz") {
					const report = await readiness.report();
					return send(res, report.status === "ok" ? 200 : 503, "application/json", report);
				}
				if (path === "/metrics") return send(res, 200, metrics.contentType, await metrics.metrics());
				return send(res, 404, "application/json", { error: "not found" });
			} catch {
				return send(res, 500, "application/json", { error: "internal error" });
			}
		});
	}

	async listen(host: string, port: number): Promise<AddressInfo> {
		await new Promise<void>((resolve, reject) => {
			this.#server.once("error", reject);
			this.#server.listen(port, host, () => resolve());
		});
		return this.#server.address() as AddressInfo;
	}

	async close(): Promise<void> {
		// close() drops the sockets idle at that moment only; a probe's keep-alive socket that
		// goes idle afterwards would hold the server open for its keep-alive timeout, past the
		// shutdown deadline. The drain keeps sweeping idle sockets until none is left.
		await drainHttpServer(this.#server, 0);
	}
}

function send(res: import("node:http").ServerResponse, status: number, type: string, body: unknown): void {
	const text = typeof body === "string" ? body : JSON.stringify(body);
	res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
	res.end(text);
}

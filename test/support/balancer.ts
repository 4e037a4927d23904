import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A minimal load balancer for tests: round-robin over the upstreams whose /readyz answers
 * 200, re-probed every `probeMs`, the way a real balancer in front of nodes behaves.
 * It never retries, so any failed upstream request reaches the client as a 502.
 */
export class Balancer {
	readonly #upstreams: { api: string; ops: string; ready: boolean }[];
	readonly #server: Server;
	#next = 0;
	#prober: NodeJS.Timeout | undefined;

	constructor(upstreams: { apiPort: number; opsPort: number }[]) {
		this.#upstreams = upstreams.map((u) => ({ api: `http://127.0.0.1:${u.apiPort}`, ops: `http://127.0.0.1:${u.opsPort}`, ready: false }));
		this.#server = createServer(async (req, res) => {
			const ready = this.#upstreams.filter((u) => u.ready);
			const upstream = ready[this.#next++ % Math.max(1, ready.length)];
			if (!upstream) return void res.writeHead(503).end("no ready upstream");
			try {
				const answer = await fetch(`${upstream.api}${req.url}`, { method: req.method });
				res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "text/plain" });
				res.end(Buffer.from(await answer.arrayBuffer()));
			} catch (err) {
				res.writeHead(502).end(String((err as { cause?: { code?: string } }).cause?.code ?? err));
			}
		});
	}

	async start(probeMs = 50): Promise<string> {
		await this.#probe();
		this.#prober = setInterval(() => void this.#probe(), probeMs);
		await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
		return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
	}

	async stop(): Promise<void> {
		clearInterval(this.#prober);
		this.#server.closeAllConnections();
		await new Promise((resolve) => this.#server.close(resolve));
	}

	async #probe(): Promise<void> {
		await Promise.all(
			this.#upstreams.map(async (u) => {
				u.ready = await fetch(`${u.ops}/readyz`).then(
					(r) => r.status === 200,
					() => false,
				);
			}),
		);
	}
}

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { verify } from "../../services/webhooks/signature.ts";

export type Received = { path: string; body: unknown; signed: boolean; headers: Record<string, string | string[] | undefined> };

/**
 * A local webhook receiver: answers each request on a path with the next status planned for
 * that path (the last one repeats), checking every signature with the subscription's secret.
 */
export class WebhookReceiver {
	readonly received: Received[] = [];
	readonly #plans = new Map<string, number[]>();
	readonly #secrets = new Map<string, string>();
	#server: Server | undefined;
	url = "";

	/** Plans the answers on `path`, and which secret its signatures must verify with. */
	plan(path: string, statuses: number[], secret?: string): void {
		this.#plans.set(path, [...statuses]);
		if (secret) this.#secrets.set(path, secret);
	}

	secretFor(path: string, secret: string): void {
		this.#secrets.set(path, secret);
	}

	async start(): Promise<string> {
		this.#server = createServer((req, res) => {
			let raw = "";
			req.on("data", (chunk) => (raw += chunk));
			req.on("end", () => {
				const path = req.url ?? "/";
				const secret = this.#secrets.get(path) ?? "";
				const signed = verify(
					secret,
					String(req.headers["webhook-id"]),
					Number(req.headers["webhook-timestamp"]),
					raw,
					String(req.headers["webhook-signature"] ?? ""),
				);
				this.received.push({ path, body: JSON.parse(raw), signed, headers: req.headers });
				const plan = this.#plans.get(path) ?? [200];
				const status = plan.length > 1 ? (plan.shift() as number) : (plan[0] as number);
				res.writeHead(status).end();
			});
		});
		await new Promise<void>((resolve) => this.#server?.listen(0, "127.0.0.1", resolve));
		this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
		return this.url;
	}

	async stop(): Promise<void> {
		this.#server?.closeAllConnections();
		await new Promise((resolve) => this.#server?.close(resolve));
	}
}

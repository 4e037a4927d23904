import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PostError, postJson } from "../../../services/webhooks/outbound-post.ts";

describe("outgoing webhook requests", () => {
	let server: Server;
	let base: string;
	const limits = { timeoutMs: 500, maxResponseBytes: 1_024, allowPrivateTargets: true };

	beforeAll(async () => {
		server = createServer((req, res) => {
			req.resume();
			if (req.url === "/big") res.writeHead(200).end("x".repeat(10_000));
			else if (req.url === "/slow") setTimeout(() => res.writeHead(200).end(), 2_000);
			else if (req.url === "/moved") res.writeHead(302, { location: "/ok" }).end();
			else res.writeHead(200).end("ok");
		});
		await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(async () => {
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	});

	it("answers the status and how long it took", async () => {
		const result = await postJson(`${base}/ok`, "{}", {}, limits);
		expect(result.status).toBe(200);
		expect(result.latencyMs).toBeGreaterThanOrEqual(0);
	});

	it("does not follow a redirect", async () => {
		expect((await postJson(`${base}/moved`, "{}", {}, limits)).status).toBe(302);
	});

	it("fails an answer over the size limit and one that takes too long", async () => {
		await expect(postJson(`${base}/big`, "{}", {}, limits)).rejects.toThrow("answer larger than 1024 bytes");
		const slow = postJson(`${base}/slow`, "{}", {}, limits);
		await expect(slow).rejects.toThrow("no answer within 500 ms");
		await expect(slow).rejects.toBeInstanceOf(PostError);
	});

	it("refuses other schemes and, unless allowed, private addresses and names resolving to them", async () => {
		await expect(postJson("ftp://127.0.0.1/x", "{}", {}, limits)).rejects.toThrow("only http and https");
		const strict = { ...limits, allowPrivateTargets: false };
		await expect(postJson(`${base}/ok`, "{}", {}, strict)).rejects.toThrow("127.0.0.1 is a private address");
		const byName = base.replace("127.0.0.1", "localhost");
		await expect(postJson(`${byName}/ok`, "{}", {}, strict)).rejects.toThrow(/^localhost resolves to a private address$/);
		// A public address is tried (whatever answers or fails on this network), not refused as ours.
		const publicTarget = await postJson("http://198.51.100.7:9/ok", "{}", {}, strict).then(
			(answer) => `answered ${answer.status}`,
			(err: Error) => err.message,
		);
		expect(publicTarget).not.toMatch(/private/);
	});
});

import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isPrivateAddress } from "./private-addresses.ts";

export type PostLimits = { timeoutMs: number; maxResponseBytes: number; allowPrivateTargets: boolean };
export type PostResult = { status: number; latencyMs: number };

/** A request that could not complete: refused target, timeout, network error, oversized answer. */
export class PostError extends Error {
	readonly latencyMs: number;

	constructor(message: string, latencyMs: number) {
		super(message);
		this.latencyMs = latencyMs;
	}
}

/**
 * POSTs `body` and reads at most `maxResponseBytes` of the answer. Only http and https; no
 * redirects (a 3xx is an answer like any other); the whole exchange within `timeoutMs`. Unless
 * private targets are allowed, the address the name resolves to is checked at connect time
 * (in the socket's lookup), so a DNS answer cannot swap in an internal address afterwards.
 */
export function postJson(
	url: string,
	body: string,
	headers: Record<string, string>,
	limits: PostLimits,
	signal?: AbortSignal,
): Promise<PostResult> {
	const started = performance.now();
	const elapsed = () => Math.round(performance.now() - started);
	const target = new URL(url);
	if (target.protocol !== "http:" && target.protocol !== "https:") {
		return Promise.reject(new PostError(`only http and https URLs are delivered to, not ${target.protocol}`, 0));
	}
	// An address in the URL itself is never looked up, so it is checked here.
	const literal = target.hostname.replace(/^\[|\]$/g, "");
	if (!limits.allowPrivateTargets && isPrivateAddress(literal)) {
		return Promise.reject(new PostError(`${literal} is a private address`, 0));
	}
	const client = target.protocol === "https:" ? https : http;
	return new Promise<PostResult>((resolve, reject) => {
		const fail = (message: string) => reject(new PostError(message, elapsed()));
		const request = client.request(
			target,
			{
				method: "POST",
				headers: { ...headers, "content-length": Buffer.byteLength(body) },
				timeout: limits.timeoutMs,
				signal,
				lookup: limits.allowPrivateTargets ? undefined : publicOnlyLookup,
			},
			(response) => {
				let received = 0;
				response.on("data", (chunk: Buffer) => {
					received += chunk.length;
					if (received > limits.maxResponseBytes) {
						request.destroy();
						fail(`answer larger than ${limits.maxResponseBytes} bytes`);
					}
				});
				response.on("end", () => resolve({ status: response.statusCode ?? 0, latencyMs: elapsed() }));
				response.on("error", (err) => fail(err.message));
			},
		);
		const deadline = setTimeout(() => {
			request.destroy();
			fail(`no answer within ${limits.timeoutMs} ms`);
		}, limits.timeoutMs);
		request.on("close", () => clearTimeout(deadline));
		request.on("timeout", () => {
			request.destroy();
			fail(`no answer within ${limits.timeoutMs} ms`);
		});
		request.on("error", (err) => fail(err.message));
		request.end(body);
	});
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

function publicOnlyLookup(hostname: string, options: object, callback: LookupCallback): void {
	dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
		if (err) return callback(err, []);
		const refused = addresses.find((a) => isPrivateAddress(a.address));
		if (refused)
			// Not which address: the error is recorded where subscribers read it, and would map our network for them.
			return callback(Object.assign(new Error(`${hostname} resolves to a private address`), { code: "EPRIVATE" }), []);
		const wantsAll = (options as { all?: boolean }).all === true;
		const first = addresses[0] as LookupAddress;
		return wantsAll ? callback(null, addresses) : callback(null, first.address, first.family);
	});
}

import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Signatures as the Standard Webhooks spec has them (standardwebhooks.com), so receivers can
 * use its libraries: the secret is `whsec_` + base64 key; the signed content is
 * `<webhook-id>.<webhook-timestamp>.<body>`; `webhook-signature` is `v1,<base64 HMAC-SHA256>`.
 */
const PREFIX = "whsec_";

export function newSecret(): string {
	return `${PREFIX}${randomBytes(32).toString("base64")}`;
}

export function sign(secret: string, id: string, timestamp: number, body: string): string {
	const key = Buffer.from(secret.slice(PREFIX.length), "base64");
	return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

/** What a receiver does: true when one of the header's signatures matches, compared in constant time. */
export function verify(secret: string, id: string, timestamp: number, body: string, header: string): boolean {
	const expected = Buffer.from(sign(secret, id, timestamp, body));
	return header.split(" ").some((candidate) => {
		const given = Buffer.from(candidate);
		return given.length === expected.length && timingSafeEqual(given, expected);
	});
}

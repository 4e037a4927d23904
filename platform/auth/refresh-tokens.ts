import { createHash, randomBytes } from "node:crypto";

/** An opaque refresh token (what the client holds) and its SHA-256 (all the database holds). */
export function newRefreshToken(): { token: string; hash: string } {
	const token = randomBytes(32).toString("base64url");
	return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
	return createHash("sha256").update(token).digest("hex");
}

import { generateKeyPair, type CryptoKey as JoseKey, SignJWT } from "jose";
import pino from "pino";
import { AccessTokens, loadSigningKey } from "../../../platform/auth/index.ts";
import { configSchema } from "../../../platform/config/schema.ts";

const config = configSchema.parse({}).auth;
const key = loadSigningKey(config, pino({ level: "silent" }));
const tokens = new AccessTokens(key, config);
const user = { id: "5d0c2a8e-4f1b-4f6e-9a57-2f7f3c0b9e11", email: "ada@example.com", name: "Ada" };

/** A token like ours, with one thing changed. */
async function signed(change: { alg?: string; key?: JoseKey | Uint8Array; audience?: string; expiresAt?: number | string }) {
	const { privateKey, kid } = await key;
	return new SignJWT({ email: user.email, name: user.name })
		.setProtectedHeader({ alg: change.alg ?? "EdDSA", kid, typ: "at+jwt" })
		.setSubject(user.id)
		.setIssuer(config.issuer)
		.setAudience(change.audience ?? config.audience)
		.setIssuedAt()
		.setExpirationTime(change.expiresAt ?? "5m")
		.sign(change.key ?? privateKey);
}

describe("access tokens", () => {
	it("verifies what it issued, and a token like it", async () => {
		const { accessToken } = await tokens.issue(user);
		await expect(tokens.verify(accessToken)).resolves.toEqual(user);
		// Served from the cache the second time, same answer.
		await expect(tokens.verify(accessToken)).resolves.toEqual(user);
		await expect(tokens.verify(await signed({}))).resolves.toEqual(user);
	});

	it("refuses another key, another audience, an expired token and another algorithm", async () => {
		const other = await generateKeyPair("EdDSA", { crv: "Ed25519" });
		await expect(tokens.verify(await signed({ key: other.privateKey }))).rejects.toMatchObject({ code: 401, type: "TOKEN_INVALID" });
		await expect(tokens.verify(await signed({ audience: "someone-else" }))).rejects.toMatchObject({ type: "TOKEN_INVALID" });
		// Past the 30 s clock skew.
		const expired = await signed({ expiresAt: Math.floor(Date.now() / 1000) - 60 });
		await expect(tokens.verify(expired)).rejects.toMatchObject({ code: 401, type: "TOKEN_EXPIRED" });
		const hs256 = await signed({ alg: "HS256", key: new TextEncoder().encode("x".repeat(32)) });
		await expect(tokens.verify(hs256)).rejects.toMatchObject({ type: "TOKEN_INVALID" });
		await expect(tokens.verify("not.a.jwt")).rejects.toMatchObject({ type: "TOKEN_INVALID" });
	});
});

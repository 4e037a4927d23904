import { randomUUID } from "node:crypto";
import { errors, jwtVerify, SignJWT } from "jose";
import { BoundedMap } from "../collections/index.ts";
import type { Config } from "../config/index.ts";
import { UnauthenticatedError } from "../errors/index.ts";
import { ALGORITHM, type SigningKey } from "./signing-key.ts";

/** Who a verified access token speaks for. */
export type TokenUser = { id: string; email: string; name: string };
type Verified = { user: TokenUser; expiresAtMs: number };

/** Verified tokens kept; the oldest goes first when it is full. */
const CACHE_SIZE = 10_000;

/**
 * Signs and verifies access tokens: EdDSA only, our key id, issuer and audience, expiry and
 * not-before with a small clock skew. A verified token is kept until it expires, so a client sending the same token
 * on every request pays for one signature check.
 */
export class AccessTokens {
	/** Loading or making the key is asynchronous; the container's singletons are not. */
	readonly #key: Promise<SigningKey>;
	readonly #config: Config["auth"];
	readonly #verified = new BoundedMap<string, Verified>(CACHE_SIZE);

	constructor(key: Promise<SigningKey>, config: Config["auth"]) {
		this.#key = key;
		this.#config = config;
	}

	async issue(user: TokenUser): Promise<{ accessToken: string; expiresIn: number }> {
		const key = await this.#key;
		const accessToken = await new SignJWT({ email: user.email, name: user.name })
			.setProtectedHeader({ alg: ALGORITHM, kid: key.kid, typ: "at+jwt" })
			.setSubject(user.id)
			.setIssuer(this.#config.issuer)
			.setAudience(this.#config.audience)
			.setIssuedAt()
			.setJti(randomUUID())
			.setExpirationTime(`${this.#config.accessTokenTtlSeconds}s`)
			.sign(key.privateKey);
		return { accessToken, expiresIn: this.#config.accessTokenTtlSeconds };
	}

	/** The token's user, or UnauthenticatedError saying why not (never the token itself). */
	async verify(token: string): Promise<TokenUser> {
		const cached = this.#verified.get(token);
		if (cached && cached.expiresAtMs + this.#config.clockSkewSeconds * 1000 > Date.now()) return cached.user;
		if (cached) this.#verified.delete(token);
		let payload: Awaited<ReturnType<typeof jwtVerify>>["payload"];
		const key = await this.#key;
		try {
			// A token naming another key is refused before any signature check, whatever its algorithm.
			const keyFor = (header: { kid?: string }) => {
				if (header.kid !== key.kid) throw new errors.JWKSNoMatchingKey();
				return key.publicKey;
			};
			({ payload } = await jwtVerify(token, keyFor, {
				algorithms: [ALGORITHM],
				issuer: this.#config.issuer,
				audience: this.#config.audience,
				clockTolerance: this.#config.clockSkewSeconds,
				typ: "at+jwt",
				requiredClaims: ["sub", "exp"],
			}));
		} catch (err) {
			const expired = err instanceof errors.JWTExpired;
			throw new UnauthenticatedError(
				expired ? "Access token expired" : "Access token invalid",
				expired ? "TOKEN_EXPIRED" : "TOKEN_INVALID",
			);
		}
		const user = { id: payload.sub as string, email: String(payload.email ?? ""), name: String(payload.name ?? "") };
		this.#verified.set(token, { user, expiresAtMs: (payload.exp as number) * 1000 });
		return user;
	}

	/** The JWKS document: the public key with its kid. */
	async jwks(): Promise<{ keys: object[] }> {
		return { keys: [(await this.#key).publicJwk] };
	}
}

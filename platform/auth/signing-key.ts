import { exportJWK, generateKeyPair, importJWK, importPKCS8, type CryptoKey as JoseKey, type JWK } from "jose";
import type { Logger } from "pino";
import type { Config } from "../config/index.ts";

export const ALGORITHM = "EdDSA";

export type SigningKey = { kid: string; privateKey: JoseKey; publicKey: JoseKey; publicJwk: JWK };

/**
 * The Ed25519 key access tokens are signed with: from `auth.signingKey` (PKCS#8 PEM), or
 * outside production, made now (config refuses production without one).
 */
export async function loadSigningKey(config: Config["auth"], logger: Logger): Promise<SigningKey> {
	let privateKey: JoseKey;
	let publicKey: JoseKey;
	if (config.signingKey) {
		privateKey = await importPKCS8(config.signingKey, ALGORITHM, { extractable: true });
		publicKey = await publicOf(privateKey);
	} else {
		({ privateKey, publicKey } = await generateKeyPair(ALGORITHM, { crv: "Ed25519", extractable: true }));
		logger.warn("auth.signingKey is not set: signing with a key made at start; its tokens die with this node");
	}
	const publicJwk = { ...(await exportJWK(publicKey)), kid: config.keyId, alg: ALGORITHM, use: "sig" };
	return { kid: config.keyId, privateKey, publicKey, publicJwk };
}

/** The public half of an Ed25519 private key (its JWK without `d`). */
async function publicOf(privateKey: JoseKey): Promise<JoseKey> {
	const { d: _private, ...publicJwk } = await exportJWK(privateKey);
	return (await importJWK(publicJwk, ALGORITHM)) as JoseKey;
}

/**
 * `npm run -s auth:signing-key > signing-key.pem`: prints a new Ed25519 private key (PKCS#8
 * PEM) for `auth.signingKey`; give it to every node as PLATFORM_AUTH__SIGNING_KEY_FILE.
 */
import { exportPKCS8, generateKeyPair } from "jose";

const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
process.stdout.write(await exportPKCS8(privateKey));

export { AccessTokens, type TokenUser } from "./access-tokens.ts";
export { AuthenticationMiddleware, type AuthMeta, requireUser } from "./authentication.middleware.ts";
export { hashPassword, verifyPassword } from "./password.ts";
export { hashRefreshToken, newRefreshToken } from "./refresh-tokens.ts";
export { loadSigningKey, type SigningKey } from "./signing-key.ts";

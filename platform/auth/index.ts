export { AccessTokens, type TokenUser } from "./access-tokens.ts";
export { AuthenticationMiddleware, type AuthMeta, requireUser } from "./authentication.middleware.ts";
export { AuthorizationMiddleware, type EntryMeta } from "./authorization.middleware.ts";
export { hashPassword, verifyPassword } from "./password.ts";
export { covers, type PermissionRule, permissionsOf } from "./permissions.ts";
export { hashRefreshToken, newRefreshToken } from "./refresh-tokens.ts";
export { evolveRoles, RoleView, rolesFromEvents, rolesStreamOf } from "./role-view.ts";
export { loadSigningKey, type SigningKey } from "./signing-key.ts";

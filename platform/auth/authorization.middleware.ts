import type { Context, Middleware } from "moleculer";
import type { Config } from "../config/index.ts";
import { ForbiddenError } from "../errors/index.ts";
import { type AuthMeta, requireUser } from "./authentication.middleware.ts";
import { covers, type PermissionRule, permissionsOf } from "./permissions.ts";
import type { RoleView } from "./role-view.ts";

/** Set by a gateway: the action it was asked for, which must declare who may call it. */
export type EntryMeta = { entry?: { via: string; action: string } };

type Deps = { roles: RoleView; authz: Config["authz"] };

/**
 * Checks the action a gateway was asked for against the `permissions` it declares
 * (PermissionRule): undeclared is refused (403), `public` passes, anything else needs a
 * caller (401 with the token's failure), and a list needs every permission through the
 * caller's roles (granted or default). Calls between services, the REPL and jobs are
 * trusted: only the gateway's entry action is checked.
 */
export function AuthorizationMiddleware(deps: () => Deps): Middleware {
	return {
		name: "Authorization",
		localAction(next: (ctx: Context) => Promise<unknown>, action: { name: string; permissions?: PermissionRule }) {
			return async (ctx: Context<unknown, AuthMeta & EntryMeta>) => {
				if (ctx.meta.entry?.action === action.name) await authorize(action.name, action.permissions, ctx, deps());
				return next(ctx);
			};
		},
	} as Middleware;
}

async function authorize(name: string, rule: PermissionRule | undefined, ctx: Context<unknown, AuthMeta>, deps: Deps): Promise<void> {
	if (rule === undefined) throw new ForbiddenError(`${name} is not exposed`, "NOT_EXPOSED");
	if (rule === "public") return;
	const user = requireUser(ctx);
	if (rule === "authenticated") return;
	const roles = [...deps.authz.defaultRoles, ...(await deps.roles.rolesOf(user.id))];
	const held = permissionsOf(roles, deps.authz.roles);
	const missing = rule.filter((p) => !covers(held, p));
	if (missing.length > 0) throw new ForbiddenError(`Missing permission ${missing.join(", ")}`, "FORBIDDEN", { missing });
}

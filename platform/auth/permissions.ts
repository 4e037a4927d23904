import { BoundedMap } from "../collections/index.ts";

/**
 * What an exposed action asks of its caller: anyone (`public`), any signed-in user
 * (`authenticated`), or every one of a list of permissions (`ledger:accounts:write`). An
 * action without a rule is not served through the gateways at all.
 */
export type PermissionRule = "public" | "authenticated" | readonly string[];

/**
 * Whether held permissions cover a required one: equal, `*`, or a prefix wildcard
 * (`ledger:*` covers `ledger:accounts:write`).
 */
export function covers(held: readonly string[], required: string): boolean {
	return held.some((p) => p === "*" || p === required || (p.endsWith(":*") && required.startsWith(p.slice(0, -1))));
}

type RoleDefinitions = Readonly<Record<string, readonly string[]>>;

/** The most role combinations whose permissions are remembered per set of definitions. */
const REMEMBERED_COMBINATIONS = 1_000;

/** Permissions by role combination, per set of definitions (the config's, fixed for a node's life). */
const remembered = new WeakMap<RoleDefinitions, BoundedMap<string, string[]>>();

/**
 * The permissions of a set of roles, from the roles' definitions; unknown roles grant nothing.
 * Every request through a gateway asks, and users share a few combinations of roles.
 */
export function permissionsOf(roles: readonly string[], definitions: RoleDefinitions): string[] {
	let byRoles = remembered.get(definitions);
	if (!byRoles) {
		byRoles = new BoundedMap(REMEMBERED_COMBINATIONS);
		remembered.set(definitions, byRoles);
	}
	const key = roles.join("\n");
	let held = byRoles.get(key);
	if (!held) {
		held = [...new Set(roles.flatMap((role) => definitions[role] ?? []))];
		byRoles.set(key, held);
	}
	return held;
}

// moleculer's service.d.ts is `export = Service`: its namespace members are the module's own.
// Merging needs the same type parameter as moleculer's own declaration, used or not.
declare module "../../node_modules/moleculer/src/service.js" {
	interface ActionSchema<TThis> {
		/** Who may call the action through a gateway (see PermissionRule); undeclared: nobody. */
		permissions?: PermissionRule;
	}
}

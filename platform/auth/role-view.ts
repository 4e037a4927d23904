import type { Redis } from "ioredis";
import type { EventStore } from "../eventstore/index.ts";

/** One step of a user's roles: a grant adds its role, a revoke removes it. */
export function evolveRoles(roles: readonly string[], event: { type: string; data: unknown }): string[] {
	const { role } = event.data as { role: string };
	if (event.type === "authz.RoleGranted") return [...new Set([...roles, role])].sort();
	if (event.type === "authz.RoleRevoked") return roles.filter((r) => r !== role);
	return [...roles];
}

/** A user's roles as events grant and revoke them, folded from their `authz-user-<id>` stream. */
export function rolesFromEvents(events: readonly { type: string; data: unknown }[]): string[] {
	return events.reduce<string[]>(evolveRoles, []);
}

export const rolesStreamOf = (userId: string) => `authz-user-${userId}`;

/** How long a cached role list lives at most; a grant or revoke replaces it at once anyway. */
const TTL_SECONDS = 300;

/**
 * The granted roles of a user, read through Redis (shared by every node): a miss folds the
 * user's stream and caches it only if nobody has written the key meanwhile (SET NX); a grant
 * or revoke overwrites it with the new list after its event is stored, so every node sees
 * the change with its next request.
 */
export class RoleView {
	readonly #redis: Redis;
	readonly #store: EventStore;
	readonly #prefix: string;

	constructor(redis: Redis, store: EventStore, keyPrefix: string) {
		this.#redis = redis;
		this.#store = store;
		this.#prefix = `${keyPrefix}authz:roles:`;
	}

	async rolesOf(userId: string): Promise<string[]> {
		const key = this.#prefix + userId;
		const cached = await this.#redis.get(key);
		if (cached !== null) return JSON.parse(cached) as string[];
		const roles = rolesFromEvents(await this.#store.readStream(rolesStreamOf(userId)));
		await this.#redis.set(key, JSON.stringify(roles), "EX", TTL_SECONDS, "NX");
		return roles;
	}

	/** After a grant or revoke was stored: the user's new roles, for every node. */
	async changed(userId: string, roles: readonly string[]): Promise<void> {
		await this.#redis.set(this.#prefix + userId, JSON.stringify(roles), "EX", TTL_SECONDS);
	}
}

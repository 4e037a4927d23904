import type { Redis } from "ioredis";
import { BoundedMap } from "../collections/index.ts";
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

/** How long a cached role list lives in Redis at most; a grant or revoke replaces it at once anyway. */
const TTL_SECONDS = 300;

/**
 * How long a node answers a user's roles from its own memory. Every grant and revoke is
 * announced over Redis pub/sub and drops the entry on every node at once; this bounds what a
 * node missed while its subscription was down (it also forgets everything when it reconnects).
 */
const LOCAL_TTL_MS = 5_000;

/** The most users whose roles a node keeps in memory; the oldest go first. */
const LOCAL_SIZE = 10_000;

type Local = { roles: string[]; until: number };

/**
 * The granted roles of a user, read through two levels: the node's memory (see LOCAL_TTL_MS)
 * over Redis (shared by every node); without Redis (the embedded profile, one node) only the
 * memory, which then hears of every change directly. A Redis miss folds the user's stream and caches it only
 * if nobody has written the key meanwhile (SET NX); a grant or revoke overwrites it with the
 * new list after its event is stored and announces the change, so every node sees it with
 * its next request. The permission check costs no round trip for a user seen a moment ago.
 */
export class RoleView {
	readonly #redis: Redis | undefined;
	readonly #store: EventStore;
	readonly #prefix: string;
	readonly #channel: string;
	readonly #local = new BoundedMap<string, Local>(LOCAL_SIZE);
	#subscriber: Redis | undefined;
	/** Whether changes reach this node now; only then does it answer from memory. */
	#listening = false;
	#subscribedOnce = false;

	constructor(redis: Redis | undefined, store: EventStore, keyPrefix: string) {
		this.#redis = redis;
		this.#listening = redis === undefined;
		this.#store = store;
		this.#prefix = `${keyPrefix}authz:roles:`;
		this.#channel = `${keyPrefix}authz:roles-changed`;
	}

	async rolesOf(userId: string): Promise<string[]> {
		const redis = this.#redis;
		if (redis) this.#subscribe(redis);
		const local = this.#local.get(userId);
		if (local && local.until > Date.now()) return local.roles;
		const key = this.#prefix + userId;
		const cached = redis ? await redis.get(key) : null;
		let roles: string[];
		if (cached !== null) roles = JSON.parse(cached) as string[];
		else {
			roles = rolesFromEvents(await this.#store.readStream(rolesStreamOf(userId)));
			await redis?.set(key, JSON.stringify(roles), "EX", TTL_SECONDS, "NX");
		}
		if (this.#listening) this.#remember(userId, roles);
		return roles;
	}

	/** After a grant or revoke was stored: the user's new roles, for every node. */
	async changed(userId: string, roles: readonly string[]): Promise<void> {
		await this.#redis?.set(this.#prefix + userId, JSON.stringify(roles), "EX", TTL_SECONDS);
		this.#local.delete(userId);
		await this.#redis?.publish(this.#channel, userId);
	}

	async close(): Promise<void> {
		this.#subscriber?.disconnect();
	}

	#remember(userId: string, roles: string[]): void {
		this.#local.set(userId, { roles, until: Date.now() + LOCAL_TTL_MS });
	}

	/** Listens for changes announced by any node; until it listens (and after it lost them), nothing is kept. */
	#subscribe(redis: Redis): void {
		if (this.#subscriber) return;
		const subscriber = redis.duplicate({ enableOfflineQueue: true, lazyConnect: false });
		this.#subscriber = subscriber;
		const deaf = () => {
			this.#listening = false;
			this.#local.clear();
		};
		subscriber.on("message", (_channel: string, userId: string) => this.#local.delete(userId));
		subscriber.on("close", deaf);
		// After a reconnect ioredis subscribes again first thing; what was announced meanwhile is lost, hence the clear.
		subscriber.on("ready", () => {
			this.#local.clear();
			if (this.#subscribedOnce) this.#listening = true;
		});
		subscriber.subscribe(this.#channel).then(() => {
			this.#subscribedOnce = true;
			this.#listening = subscriber.status === "ready";
		}, deaf);
	}
}

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
 * memory, which then hears of every change directly. A Redis miss folds the user's stream and
 * caches it only if nobody has written the key meanwhile (SET NX), else answers what was
 * written; a grant or revoke overwrites it with the new list after its event is stored and
 * announces the change, so every node sees it with its next request. A read during which a
 * change was heard keeps nothing in memory: what it read may predate the change. The
 * permission check costs no round trip for a user seen a moment ago.
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
	/** Changes heard so far, of any user: a read that heard one on its way keeps nothing in memory. */
	#changesHeard = 0;

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
		// A change heard while this read is on its way may have made what it finds stale.
		const heard = this.#changesHeard;
		const roles = redis ? await this.#sharedRoles(redis, userId) : rolesFromEvents(await this.#store.readStream(rolesStreamOf(userId)));
		if (this.#listening && heard === this.#changesHeard) this.#remember(userId, roles);
		return roles;
	}

	/** After a grant or revoke was stored: the user's new roles, for every node. */
	async changed(userId: string, roles: readonly string[]): Promise<void> {
		await this.#redis?.set(this.#prefix + userId, JSON.stringify(roles), "EX", TTL_SECONDS);
		this.#forget(userId);
		await this.#redis?.publish(this.#channel, userId);
	}

	/**
	 * The roles Redis holds, else folded from the stream and stored unless someone stored newer
	 * ones meanwhile (a grant or revoke whose event the fold may not have seen): then those.
	 */
	async #sharedRoles(redis: Redis, userId: string): Promise<string[]> {
		const key = this.#prefix + userId;
		const cached = await redis.get(key);
		if (cached !== null) return JSON.parse(cached) as string[];
		const folded = rolesFromEvents(await this.#store.readStream(rolesStreamOf(userId)));
		if ((await redis.set(key, JSON.stringify(folded), "EX", TTL_SECONDS, "NX")) !== null) return folded;
		const newer = await redis.get(key);
		return newer === null ? folded : (JSON.parse(newer) as string[]);
	}

	async close(): Promise<void> {
		this.#subscriber?.disconnect();
	}

	#forget(userId: string): void {
		this.#changesHeard++;
		this.#local.delete(userId);
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
		subscriber.on("message", (_channel: string, userId: string) => this.#forget(userId));
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

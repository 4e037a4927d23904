import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { RoleView, rolesStreamOf } from "../../../platform/auth/role-view.ts";
import type { EventStore } from "../../../platform/eventstore/index.ts";
import { createEventStoreDb, type EventStoreDb } from "../../support/event-store-db.ts";
import { requireServers, SERVERS } from "../../support/servers.ts";

const granted = (role: string) => ({ type: "authz.RoleGranted", schemaVersion: 1, data: { role } });

/** The store, with each read of a stream held until `release` is called: a read still on its way. */
function heldReads(store: EventStore) {
	let release: () => void = () => undefined;
	const held = new Promise<void>((resolve) => (release = resolve));
	const slow = Object.create(store, {
		readStream: {
			value: async (streamId: string) => {
				await held;
				return store.readStream(streamId);
			},
		},
	}) as EventStore;
	return { store: slow, release };
}

describe("role view", () => {
	let es: EventStoreDb;
	let redis: Redis;
	const prefix = `roleview-${randomUUID()}:`;
	beforeAll(async () => {
		await requireServers("postgres", "redis");
		es = await createEventStoreDb();
		redis = new Redis(SERVERS.redis);
	});
	afterAll(async () => {
		const keys = await redis.keys(`${prefix}*`);
		if (keys.length > 0) await redis.del(...keys);
		redis?.disconnect();
		await es?.close();
	});

	it("keeps no roles a revoke made stale while they were being read", async () => {
		const userId = randomUUID();
		await es.store.append(rolesStreamOf(userId), [granted("admin")]);
		const reads = heldReads(es.store);
		const node = new RoleView(redis, reads.store, prefix);
		const other = new RoleView(redis, es.store, prefix);
		try {
			// Redis holds nothing yet, so the read folds the stream, which still grants admin.
			const reading = node.rolesOf(userId);
			await new Promise((resolve) => setTimeout(resolve, 100));
			// Another node stores the revoke and announces the new roles meanwhile.
			await other.changed(userId, []);
			await new Promise((resolve) => setTimeout(resolve, 100));
			reads.release();
			expect(await reading).toEqual([]);
			expect(await node.rolesOf(userId)).toEqual([]);
		} finally {
			await node.close();
			await other.close();
		}
	});
});

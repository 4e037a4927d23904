import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { ServiceBroker } from "moleculer";
import pino from "pino";
import { Registry } from "prom-client";
import { type CacherApi, QueryCache } from "../../../platform/cache/index.ts";
import { InvalidationFeed } from "../../../platform/cache/invalidation-feed.ts";
import { NearCache } from "../../../platform/cache/near-cache.ts";
import { eventually } from "../../support/eventually.ts";
import { requireServers, SERVERS } from "../../support/servers.ts";

const NS = "accounts";
const ENTITY = "account:a-1";
const getAccount = { query: "test.getAccount", namespace: NS, entity: ENTITY };

/**
 * A node's query cache over Moleculer's Redis cacher, with its near level and invalidation feed;
 * `gets` counts the cacher's GETs, and `afterGet` runs after each before its answer is handed back.
 */
function nodeCache(prefix: string) {
	const { hostname, port } = new URL(SERVERS.redis);
	const redis = { host: hostname, port: Number(port || 6379) };
	const broker = new ServiceBroker({ logger: false, cacher: { type: "Redis", options: { prefix, redis } } });
	const cacher = broker.cacher as unknown as CacherApi;
	const counted: { gets: number; afterGet?: (key: string) => Promise<void> } = { gets: 0 };
	const get = cacher.get.bind(cacher);
	cacher.get = async (key: string) => {
		counted.gets++;
		const found = await get(key);
		await counted.afterGet?.(key);
		return found;
	};
	const near = new NearCache();
	const feed = new InvalidationFeed(SERVERS.redis, `${prefix}-`, near, pino({ level: "silent" }));
	feed.start();
	const cache = new QueryCache({
		cacher,
		ttlSeconds: 60,
		registry: new Registry(),
		logger: pino({ level: "silent" }),
		near: { cache: near, feed },
	});
	return {
		cache,
		near,
		counted,
		stop: async () => {
			cache.stop();
			await broker.cacher?.close();
		},
	};
}

describe("the query cache's near level over Redis (two nodes)", () => {
	let prefix: string;
	let a: ReturnType<typeof nodeCache>;
	let b: ReturnType<typeof nodeCache>;
	let redis: Redis;
	const table = { balance: 100 };
	const load = async () => ({ balance: table.balance });
	/** What a projection on node B does around the transaction that changes the account. */
	const commitOnB = async (balance: number, position: number) => {
		await b.cache.markChanging(NS, [ENTITY]);
		table.balance = balance;
		await b.cache.markChanged(NS, new Map([[ENTITY, position]]));
	};

	beforeAll(async () => {
		await requireServers("redis");
		prefix = `near-${randomUUID().slice(0, 8)}.cache`;
		redis = new Redis(SERVERS.redis);
		a = nodeCache(prefix);
		b = nodeCache(prefix);
		await eventually("both nodes to hear invalidations", async () => (a.near.listening && b.near.listening) || undefined);
	});
	afterAll(async () => {
		await Promise.all([a?.stop(), b?.stop()]);
		const left = (await redis?.keys(`${prefix}-*`)) ?? [];
		if (left.length > 0) await redis.del(left);
		redis?.disconnect();
	});

	it("never lets a reader's claim replace the mark of a change another node is committing", async () => {
		const entity = "account:fresh-1";
		const read = { ...getAccount, entity };
		const row = { balance: 100 };
		const loadRow = async () => ({ balance: row.balance });
		// B's projection marks the entity changing just after A's read found it without a generation.
		a.counted.afterGet = async (key) => {
			if (!key.endsWith(`gen:${entity}`)) return;
			a.counted.afterGet = undefined;
			await b.cache.markChanging(NS, [entity]);
		};
		expect(await a.cache.read(read, loadRow)).toEqual({ balance: 100 });
		// B has committed; its new generation is not set yet. Neither node may serve the answer A read before.
		row.balance = 50;
		expect(await a.cache.read(read, loadRow)).toEqual({ balance: 50 });
		expect(await b.cache.read(read, loadRow)).toEqual({ balance: 50 });
		await b.cache.markChanged(NS, new Map([[entity, 42]]));
	});

	it("answers a repeated read from the node's memory, without Redis", async () => {
		expect(await a.cache.read(getAccount, load)).toEqual({ balance: 100 });
		expect(await a.cache.read(getAccount, load)).toEqual({ balance: 100 });
		const gets = a.counted.gets;
		for (let i = 0; i < 10; i++) expect(await a.cache.read(getAccount, load)).toEqual({ balance: 100 });
		expect(a.counted.gets).toBe(gets);
	});

	it("never serves from memory an answer another node's projection changed", async () => {
		for (let i = 1; i <= 50; i++) {
			// Held in A's memory first, so a missed invalidation would show as the old balance.
			await a.cache.read(getAccount, load);
			expect(await a.cache.read(getAccount, load)).toEqual({ balance: table.balance });
			await commitOnB(table.balance + i, 1_000 + i);
			expect(await a.cache.read(getAccount, load)).toEqual({ balance: table.balance });
		}
	});

	it.each([
		["the subscriber hearing the invalidations", "cache-invalidations"],
		["the connection Redis tracks the keys for", "cache-tracking"],
	])("answers through Redis once %s drops, and from memory again once tracking is back", async (_, name) => {
		await a.cache.read(getAccount, load);
		await a.cache.read(getAccount, load);
		const list = (await redis.client("LIST")) as string;
		const ids = list
			.split("\n")
			.filter((line) => line.includes(` name=${name}:${prefix}- `))
			.map((line) => /id=(\d+)/.exec(line)?.[1]);
		// One each for A and B.
		expect(ids).toHaveLength(2);
		expect(a.near.listening).toBe(true);
		for (const id of ids) await redis.client("KILL", "ID", id as string);
		await eventually("both nodes to stop trusting their memory", async () => (!a.near.listening && !b.near.listening) || undefined);
		const gets = a.counted.gets;
		await commitOnB(table.balance + 1, 5_000);
		expect(await a.cache.read(getAccount, load)).toEqual({ balance: table.balance });
		expect(a.counted.gets).toBeGreaterThan(gets);
		await eventually("both nodes to hear invalidations again", async () => (a.near.listening && b.near.listening) || undefined);
		// Heard again: a change from B retires A's memory, and a repeated read makes no GET.
		await a.cache.read(getAccount, load);
		await a.cache.read(getAccount, load);
		await commitOnB(table.balance + 1, 5_001);
		expect(await a.cache.read(getAccount, load)).toEqual({ balance: table.balance });
		// The announcement of B's last write can reach A after that read set out; the read then
		// keeps nothing (it cannot tell which came first) and the next one asks Redis again.
		await eventually("a repeated read to make no GET", async () => {
			expect(await a.cache.read(getAccount, load)).toEqual({ balance: table.balance });
			const heard = a.counted.gets;
			expect(await a.cache.read(getAccount, load)).toEqual({ balance: table.balance });
			return a.counted.gets === heard || undefined;
		});
	});
});

import { memoryQueryCache, requests } from "./memory-cache.ts";

const NS = "accounts";
const ENTITY = "account:a-1";
const getAccount = { query: "test.getAccount", namespace: NS, entity: ENTITY };

/** An account row and a query counting its reads; `commit` changes the row as a projection would. */
function accountTable() {
	const table = { balance: 100, reads: 0 };
	return {
		table,
		load: async () => {
			table.reads++;
			return { balance: table.balance };
		},
	};
}

describe("the query cache's read-through", () => {
	let setup: ReturnType<typeof memoryQueryCache>;
	beforeEach(() => {
		setup = memoryQueryCache();
	});
	afterEach(() => setup.cacher.close());

	/** What a projection does around the transaction that changes the account. */
	const commit = async (table: { balance: number }, balance: number, position: number) => {
		await setup.cache.markChanging(NS, [ENTITY]);
		table.balance = balance;
		await setup.cache.markChanged(NS, new Map([[ENTITY, position]]));
	};

	it("answers the second read from the cache, counting a miss then a hit", async () => {
		const { table, load } = accountTable();
		expect(await setup.cache.read(getAccount, load)).toEqual({ balance: 100 });
		expect(await setup.cache.read(getAccount, load)).toEqual({ balance: 100 });
		expect(table.reads).toBe(1);
		expect(await requests(setup.registry, "miss")).toBe(1);
		expect(await requests(setup.registry, "hit")).toBe(1);
	});

	it("answers from the table after a change, then caches the new answer", async () => {
		const { table, load } = accountTable();
		await setup.cache.read(getAccount, load);
		await commit(table, 250, 7);
		expect(await setup.cache.read(getAccount, load)).toEqual({ balance: 250 });
		expect(await setup.cache.read(getAccount, load)).toEqual({ balance: 250 });
		expect(table.reads).toBe(2);
	});

	it.each([
		["an entity never changed (its generation claimed by the reader)", false],
		["an entity changed before (its generation set by the projection)", true],
	])("never serves an answer read just before a change committed, for %s", async (_, changedBefore) => {
		const { table, load } = accountTable();
		if (changedBefore) await commit(table, 100, 3);
		// The reader has taken the generation and reads the old row; the projection commits and
		// invalidates before the reader stores what it read.
		const racing = async () => {
			const old = await load();
			await commit(table, 400, 9);
			return old;
		};
		expect(await setup.cache.read(getAccount, racing)).toEqual({ balance: 100 });
		expect(await setup.cache.read(getAccount, load)).toEqual({ balance: 400 });
	});

	it("never lets a reader's claim replace the mark of a change being committed", async () => {
		const { table, load } = accountTable();
		// A projection marks the entity changing just after the reader found it without a generation.
		const get = setup.cacher.get.bind(setup.cacher);
		setup.cacher.get = async (key: string) => {
			const found = await get(key);
			if (key === `${NS}:gen:${ENTITY}`) {
				setup.cacher.get = get;
				await setup.cache.markChanging(NS, [ENTITY]);
			}
			return found;
		};
		expect(await setup.cache.read(getAccount, load)).toEqual({ balance: 100 });
		// The projection has committed, its new generation not yet set: the answer read before must not be served.
		table.balance = 50;
		expect(await setup.cache.read(getAccount, load)).toEqual({ balance: 50 });
	});

	it("answers from the table, storing nothing, while a change is being committed", async () => {
		const { table, load } = accountTable();
		await setup.cache.read(getAccount, load);
		await setup.cache.markChanging(NS, [ENTITY]);
		table.balance = 300;
		// The projection has committed (a read-your-writes query would return now) but not yet
		// set the new generation: the cached 100 must not be served.
		expect(await setup.cache.read(getAccount, load)).toEqual({ balance: 300 });
		expect(await setup.cache.read(getAccount, load)).toEqual({ balance: 300 });
		expect(table.reads).toBe(3);
		await setup.cache.markChanged(NS, new Map([[ENTITY, 11]]));
		await setup.cache.read(getAccount, load);
		await setup.cache.read(getAccount, load);
		expect(table.reads).toBe(4);
	});

	it("reads again once the generation expired, never trusting an answer stored under none", async () => {
		const { table, load } = accountTable();
		await setup.cache.read(getAccount, load);
		await setup.cacher.del(`${NS}:gen:${ENTITY}`);
		await setup.cache.read(getAccount, load);
		expect(table.reads).toBe(2);
	});

	it("invalidates every page of an entity with one change, and keeps pages apart", async () => {
		const pages: Record<string, number> = {};
		const page = (variant: string) =>
			setup.cache.read({ ...getAccount, variant }, async () => (pages[variant] = (pages[variant] ?? 0) + 1));
		expect([await page("10:"), await page("20:"), await page("10:")]).toEqual([1, 1, 1]);
		await setup.cache.markChanged(NS, new Map([[ENTITY, 5]]));
		expect([await page("10:"), await page("20:")]).toEqual([2, 2]);
	});

	it("drops a namespace whole, as after a rebuild", async () => {
		const { table, load } = accountTable();
		await setup.cache.read(getAccount, load);
		await setup.cache.drop(NS);
		await setup.cache.read(getAccount, load);
		expect(table.reads).toBe(2);
	});

	it("answers JSON data, a fresh copy each time, cached or not", async () => {
		const at = new Date("2026-01-02T03:04:05.000Z");
		const load = async () => ({ updatedAt: at, lines: [1, 2] });
		const miss = await setup.cache.read<{ updatedAt: unknown; lines: number[] }>(getAccount, load);
		miss.lines.push(3);
		const hit = await setup.cache.read<{ updatedAt: unknown; lines: number[] }>(getAccount, load);
		expect(hit).toEqual({ updatedAt: at.toISOString(), lines: [1, 2] });
		expect(await setup.cache.uncached(load)).toEqual(hit);
	});
});

import { NearCache } from "../../../platform/cache/near-cache.ts";

const GEN_KEY = "accounts:gen:account:a-1";
const KEY = "accounts:answer:account:a-1";

describe("the query cache's near level (NearCache)", () => {
	let now: number;
	let near: NearCache;
	beforeEach(() => {
		now = 0;
		near = new NearCache(() => now);
		near.listen();
	});

	/** A read through Redis that found generation `gen` with `json` stored under it. */
	const readThroughRedis = (gen: string, json: string) => near.settle(near.watch(GEN_KEY), { gen, key: KEY, json });

	it("serves what a read found in Redis, under the generation it was found with", () => {
		expect(near.serve(KEY, GEN_KEY)).toBeUndefined();
		readThroughRedis("7.x", '{"balance":100}');
		expect(near.serve(KEY, GEN_KEY)).toBe('{"balance":100}');
	});

	it("stops serving an answer once its generation changed", () => {
		readThroughRedis("7.x", '{"balance":100}');
		near.changed([GEN_KEY]);
		expect(near.serve(KEY, GEN_KEY)).toBeUndefined();
	});

	it("keeps nothing from a read during which the generation changed", () => {
		const watch = near.watch(GEN_KEY);
		near.changed([GEN_KEY]);
		near.settle(watch, { gen: "7.x", key: KEY, json: '{"balance":100}' });
		expect(near.serve(KEY, GEN_KEY)).toBeUndefined();
		// The next read, after the change, is kept.
		readThroughRedis("8.y", '{"balance":250}');
		expect(near.serve(KEY, GEN_KEY)).toBe('{"balance":250}');
	});

	it("keeps nothing from a read that overlapped one during which the generation changed", () => {
		const first = near.watch(GEN_KEY);
		near.changed([GEN_KEY]);
		const second = near.watch(GEN_KEY);
		near.settle(first, { gen: "7.x", key: KEY, json: "old" });
		near.settle(second, { gen: "7.x", key: KEY, json: "old" });
		expect(near.serve(KEY, GEN_KEY)).toBeUndefined();
	});

	it("ignores changes of answer keys: an answer is only ever served under its own generation", () => {
		readThroughRedis("7.x", '{"balance":100}');
		near.changed([KEY]);
		expect(near.serve(KEY, GEN_KEY)).toBe('{"balance":100}');
	});

	it("serves nothing and learns nothing while it does not hear changes", () => {
		readThroughRedis("7.x", '{"balance":100}');
		const before = near.watch(GEN_KEY);
		near.deafen();
		expect(near.serve(KEY, GEN_KEY)).toBeUndefined();
		expect(near.watch(GEN_KEY)).toBeUndefined();
		near.listen();
		// A read begun before hearing stopped may have missed a change: it teaches nothing.
		near.settle(before, { gen: "7.x", key: KEY, json: '{"balance":100}' });
		expect(near.serve(KEY, GEN_KEY)).toBeUndefined();
	});

	it("forgets everything, reads on their way included, when Redis is flushed", () => {
		readThroughRedis("7.x", '{"balance":100}');
		const watch = near.watch("accounts:gen:account:a-2");
		near.flushed();
		expect(near.serve(KEY, GEN_KEY)).toBeUndefined();
		near.settle(watch, { gen: "3.z", key: "accounts:answer:account:a-2", json: "{}" });
		expect(near.serve("accounts:answer:account:a-2", "accounts:gen:account:a-2")).toBeUndefined();
	});

	it("asks Redis again after a few seconds, so a change lost without a disconnect costs little", () => {
		readThroughRedis("7.x", '{"balance":100}');
		now = 4_999;
		expect(near.serve(KEY, GEN_KEY)).toBe('{"balance":100}');
		now = 5_000;
		expect(near.serve(KEY, GEN_KEY)).toBeUndefined();
	});

	it("keeps answers up to a budget of text, dropping the oldest, and never one too large", () => {
		const learn = (entity: string, json: string) =>
			near.settle(near.watch(`accounts:gen:${entity}`), { gen: "1.x", key: `accounts:answer:${entity}`, json });
		const served = (entity: string) => near.serve(`accounts:answer:${entity}`, `accounts:gen:${entity}`);
		const page = "x".repeat(1_600_000);
		for (let i = 0; i < 11; i++) learn(`page-${i}`, page);
		// 11 pages are more than the budget (16 Mi characters): the first went.
		expect(served("page-0")).toBeUndefined();
		expect(served("page-1")).toBe(page);
		expect(served("page-10")).toBe(page);
		learn("huge", "x".repeat(2_000_000));
		expect(served("huge")).toBeUndefined();
		expect(served("page-1")).toBe(page);
	});
});

import { BoundedMap } from "../../../platform/collections/index.ts";

describe("BoundedMap", () => {
	it("drops the oldest entry when a new key comes to a full map", () => {
		const map = new BoundedMap<string, number>(2);
		map.set("a", 1).set("b", 2).set("c", 3);
		expect([...map]).toEqual([
			["b", 2],
			["c", 3],
		]);
	});

	it("makes a key set again the newest, so it outlives the others", () => {
		const map = new BoundedMap<string, number>(2);
		map.set("a", 1).set("b", 2).set("a", 10).set("c", 3);
		expect([...map]).toEqual([
			["a", 10],
			["c", 3],
		]);
	});

	it("keeps every entry up to its capacity", () => {
		const map = new BoundedMap<number, number>(3);
		for (const i of [1, 2, 3]) map.set(i, i);
		expect(map.size).toBe(3);
		expect(map.get(1)).toBe(1);
	});
});

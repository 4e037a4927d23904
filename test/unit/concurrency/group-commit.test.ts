import { GroupCommit } from "../../../platform/concurrency/group-commit.ts";

describe("group commit", () => {
	it("writes items added while a write is in flight together in the next write", async () => {
		const writes: number[][] = [];
		let release: () => void = () => undefined;
		const commit = new GroupCommit<number>(async (items) => {
			writes.push(items);
			if (writes.length === 1) await new Promise<void>((r) => (release = r));
			return [];
		});
		const first = commit.add(1);
		await Promise.resolve();
		const rest = [2, 3, 4].map((n) => commit.add(n));
		release();
		await Promise.all([first, ...rest]);
		expect(writes).toEqual([[1], [2, 3, 4]]);
	});

	it("rejects every caller of a failed write and goes on with the next", async () => {
		let calls = 0;
		const commit = new GroupCommit<string>(async () => {
			calls++;
			if (calls === 1) throw new Error("disk full");
			return [];
		});
		const failed = [commit.add("a"), commit.add("b")];
		await expect(failed[0]).rejects.toThrow("disk full");
		await expect(failed[1]).rejects.toThrow("disk full");
		await expect(commit.add("c")).resolves.toBeUndefined();
	});

	it("hands each caller the result at its item's index", async () => {
		const commit = new GroupCommit<number, string>(async (items) => items.map((n) => `#${n}`));
		await expect(Promise.all([commit.add(1), commit.add(2), commit.add(3)])).resolves.toEqual(["#1", "#2", "#3"]);
	});

	it("gathers the items of a whole task into the first write when told to start on setImmediate", async () => {
		const writes: number[][] = [];
		const commit = new GroupCommit<number>(async (items) => {
			writes.push(items);
			return [];
		}, setImmediate);
		const later = async (n: number) => {
			await Promise.resolve();
			await Promise.resolve();
			return commit.add(n);
		};
		await Promise.all([commit.add(1), later(2), later(3)]);
		expect(writes).toEqual([[1, 2, 3]]);
	});
});

import { GroupCommit } from "../../../platform/jobs/group-commit.ts";

describe("group commit", () => {
	it("writes items added while a write is in flight together in the next write", async () => {
		const writes: number[][] = [];
		let release: () => void = () => undefined;
		const commit = new GroupCommit<number>(async (items) => {
			writes.push(items);
			if (writes.length === 1) await new Promise<void>((r) => (release = r));
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
		});
		const failed = [commit.add("a"), commit.add("b")];
		await expect(failed[0]).rejects.toThrow("disk full");
		await expect(failed[1]).rejects.toThrow("disk full");
		await expect(commit.add("c")).resolves.toBeUndefined();
	});
});

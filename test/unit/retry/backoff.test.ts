import { backoffDelay, retryUntil } from "../../../platform/retry/index.ts";

describe("backoffDelay", () => {
	it("doubles the ceiling per attempt up to the cap, with jitter in its upper half", () => {
		expect(backoffDelay(1, 100, 2000, () => 0)).toBe(50);
		expect(backoffDelay(1, 100, 2000, () => 1)).toBe(100);
		expect(backoffDelay(4, 100, 2000, () => 1)).toBe(800);
		expect(backoffDelay(10, 100, 2000, () => 1)).toBe(2000);
	});
});

describe("retryUntil", () => {
	it("returns once an attempt succeeds", async () => {
		let calls = 0;
		const value = await retryUntil("thing", 2_000, async () => {
			calls += 1;
			if (calls < 3) throw new Error("not yet");
			return "ok";
		});
		expect(value).toBe("ok");
		expect(calls).toBe(3);
	});

	it("gives up after the timeout naming the target and the last reason", async () => {
		await expect(retryUntil("redis at redis://10.0.0.1:6379", 150, async () => Promise.reject(new Error("ECONNREFUSED")))).rejects.toThrow(
			/^redis at redis:\/\/10\.0\.0\.1:6379 unreachable after \d+ attempt\(s\) in 150 ms: ECONNREFUSED$/,
		);
	});
});

import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { BatchedWindows, FLUSH_MS } from "../../../platform/ratelimit/batched-windows.ts";
import { RedisWindows } from "../../../platform/ratelimit/redis-windows.ts";
import { requireServers, SERVERS } from "../../support/servers.ts";

describe("rate-limit windows counted in Redis, batched far from the limit", () => {
	const connections: Redis[] = [];
	const nodes: BatchedWindows[] = [];
	/** A node's windows on a Redis connection of its own, as on separate processes. */
	const node = () => {
		const redis = new Redis(SERVERS.redis);
		connections.push(redis);
		const windows = new BatchedWindows(new RedisWindows(redis));
		nodes.push(windows);
		return windows;
	};
	const window = (points: number) => ({ key: `test:batched:${randomUUID()}`, durationMs: 60_000, points });
	const stored = async (key: string) => Number(await (connections[0] as Redis).get(key));
	const settle = () => new Promise((r) => setTimeout(r, 3 * FLUSH_MS));

	beforeAll(() => requireServers("redis"));
	afterAll(async () => {
		await Promise.all(nodes.map((n) => n.close()));
		for (const redis of connections) redis.disconnect();
	});

	it("counts calls far below the limit on the node and adds them to Redis within a flush", async () => {
		const windows = node();
		const w = window(1_000);
		const counts: number[] = [];
		for (let i = 0; i < 20; i++) counts.push((await windows.count([w]))[0]?.count as number);
		expect(counts).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
		// Only the first call, which had to learn the window, went to Redis at once.
		expect(await stored(w.key)).toBeLessThan(20);
		await settle();
		expect(await stored(w.key)).toBe(20);
	});

	it("holds a single node to the limit exactly, and gives a window's remaining time", async () => {
		const windows = node();
		const w = window(100);
		const counts: number[] = [];
		for (let i = 0; i < 110; i++) {
			const [counted] = await windows.count([w]);
			counts.push(counted?.count as number);
			expect(counted?.msLeft).toBeGreaterThan(59_000);
			expect(counted?.msLeft).toBeLessThanOrEqual(60_000);
		}
		expect(counts).toEqual(Array.from({ length: 110 }, (_, i) => i + 1));
		await settle();
		expect(await stored(w.key)).toBe(110);
	});

	it("lets nodes sharing Redis admit at most one node's local share beyond the limit", async () => {
		const [a, b] = [node(), node()];
		const w = window(100);
		let admitted = 0;
		for (let i = 0; i < 150; i++) {
			const [counted] = await (i % 2 === 0 ? a : b).count([w]);
			if ((counted?.count as number) <= 100) admitted++;
		}
		// A share is 5 calls of 100: what one node counted that the other could not yet see.
		expect(admitted).toBeGreaterThanOrEqual(100);
		expect(admitted).toBeLessThanOrEqual(105);
		await settle();
		expect(await stored(w.key)).toBe(150);
	});

	it("asks Redis at once for a limit too small to share", async () => {
		const windows = node();
		const w = window(10);
		for (let i = 1; i <= 3; i++) {
			expect((await windows.count([w]))[0]?.count).toBe(i);
			expect(await stored(w.key)).toBe(i);
		}
	});
});

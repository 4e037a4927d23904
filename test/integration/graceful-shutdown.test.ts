import { Balancer } from "../support/balancer.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { startNode } from "../support/node-process.ts";
import { requireServers } from "../support/servers.ts";

type Outcome = { status: number } | { error: string };

async function request(url: string): Promise<Outcome> {
	try {
		const res = await fetch(url);
		await res.arrayBuffer();
		return { status: res.status };
	} catch (err) {
		return { error: String((err as { cause?: { code?: string } }).cause?.code ?? err) };
	}
}

const isOk = (o: Outcome) => "status" in o && o.status === 200;

describe("graceful shutdown", () => {
	let db: TestDatabase;
	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka");
		db = await createTestDatabase("stop");
	});
	afterAll(() => db.drop());

	it("loses no request of a steady load when a node behind a balancer gets SIGTERM", async () => {
		const env = {
			PLATFORM_POSTGRES__URL: db.url,
			PLATFORM_SHUTDOWN__DRAIN_DELAY_MS: "500",
			PLATFORM_EVENTS__TOPIC_PREFIX: `${db.name}.balanced.`,
		};
		const [leaving, staying] = await Promise.all([
			startNode({ services: ["services", "test/fixtures/slow"], env }),
			startNode({ services: ["services", "test/fixtures/slow"], env }),
		]);
		const balancer = new Balancer([leaving, staying]);
		const entry = await balancer.start();
		let loading = true;
		try {
			const outcomes: Outcome[] = [];
			const workers = Array.from({ length: 8 }, async () => {
				while (loading) outcomes.push(await request(`${entry}/api/v1/system/ping`));
			});
			await new Promise((r) => setTimeout(r, 300));
			const inFlight = request(`http://127.0.0.1:${leaving.apiPort}/api/v1/slow/wait?ms=1500`);
			await new Promise((r) => setTimeout(r, 100));

			leaving.child.kill("SIGTERM");
			await new Promise((r) => setTimeout(r, 200));
			const readiness = await fetch(`http://127.0.0.1:${leaving.opsPort}/readyz`);
			expect(readiness.status).toBe(503);
			expect(await readiness.json()).toMatchObject({ state: "draining" });

			const exitCode = await leaving.exited;
			if (exitCode !== 0) throw new Error(`leaving node exited ${exitCode}:\n${leaving.output()}`);
			await new Promise((r) => setTimeout(r, 300));
			loading = false;
			await Promise.all(workers);

			expect(await inFlight).toEqual({ status: 200 });
			expect(outcomes.filter((o) => !isOk(o))).toEqual([]);
			expect(outcomes.length).toBeGreaterThan(100);
			expect(await request(`http://127.0.0.1:${leaving.apiPort}/api/v1/system/ping`)).toEqual({ error: "ECONNREFUSED" });
		} finally {
			loading = false;
			await balancer.stop();
			await Promise.all([leaving.stop("SIGKILL"), staying.stop("SIGKILL")]);
		}
	});

	it("finishes a request in flight, refuses new connections while it does, and exits 0", async () => {
		// Groups of its own: the previous test's nodes were killed and their members linger until they expire.
		const env = { PLATFORM_POSTGRES__URL: db.url, PLATFORM_EVENTS__TOPIC_PREFIX: `${db.name}.inflight.` };
		const node = await startNode({ services: ["services", "test/fixtures/slow"], env });
		const api = `http://127.0.0.1:${node.apiPort}/api/v1`;
		const inFlight = request(`${api}/slow/wait?ms=1500`);
		await new Promise((r) => setTimeout(r, 200));
		node.child.kill("SIGTERM");
		await new Promise((r) => setTimeout(r, 500));
		expect(await request(`${api}/system/ping`)).toEqual({ error: "ECONNREFUSED" });
		expect(node.child.exitCode).toBeNull();
		expect(await inFlight).toEqual({ status: 200 });
		const exitCode = await node.exited;
		if (exitCode !== 0) throw new Error(`node exited ${exitCode}:\n${node.output()}`);
	});

	it("exits non-zero when work outlasts the deadline", async () => {
		const node = await startNode({
			services: ["services", "test/fixtures/slow"],
			env: {
				PLATFORM_POSTGRES__URL: db.url,
				PLATFORM_SHUTDOWN__DEADLINE_MS: "1000",
				PLATFORM_EVENTS__TOPIC_PREFIX: `${db.name}.deadline.`,
			},
		});
		const slow = request(`http://127.0.0.1:${node.apiPort}/api/v1/slow/wait?ms=5000`);
		await new Promise((r) => setTimeout(r, 200));
		const signalled = Date.now();
		expect(await node.stop("SIGTERM")).toBe(1);
		expect(Date.now() - signalled).toBeLessThan(3_000);
		expect(node.output()).toMatch(/shutdown deadline passed/);
		await slow;
	});
});

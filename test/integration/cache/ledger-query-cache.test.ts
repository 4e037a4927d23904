import { Redis } from "ioredis";
import type { ServiceBroker } from "moleculer";
import { platformOf } from "../../../platform/bootstrap/index.ts";
import { startBroker } from "../../support/broker.ts";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { eventually } from "../../support/eventually.ts";
import { requireServers, SERVERS } from "../../support/servers.ts";

type Reply = { position: number };
type Account = { balance: number };

describe("the ledger's queries through the query cache (Redis)", () => {
	let db: TestDatabase;
	let broker: ServiceBroker;
	let redis: Redis;
	let prefix: string;
	const call = <T>(action: string, params: object) => broker.call<T, object>(action, params);
	const requests = async (query: string, outcome: string) => {
		const metric = await platformOf(broker).metrics.registry.getSingleMetric("platform_cache_requests_total")?.get();
		return metric?.values.find((v) => v.labels.cache === query && v.labels.outcome === outcome)?.value ?? 0;
	};
	const keysOf = (pattern: string) => redis.keys(`${prefix}cache-${pattern}`);

	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka");
		db = await createTestDatabase("qcache");
		prefix = `${db.name}.`;
		redis = new Redis(SERVERS.redis);
		broker = await startBroker(["services/ledger/ledger.service.ts"], {
			PLATFORM_POSTGRES__URL: db.url,
			PLATFORM_EVENTS__TOPIC_PREFIX: `${db.name}.`,
			PLATFORM_REDIS__KEY_PREFIX: prefix,
		});
		await call("ledger.openAccount", { accountId: "c-1", owner: "Ada", currency: "EUR" });
		await call("ledger.openAccount", { accountId: "c-2", owner: "Bob", currency: "EUR" });
		const deposit = await call<Reply>("ledger.deposit", { accountId: "c-1", amount: 1_000, currency: "EUR" });
		// The consumer groups join in the background; a read given the position waits for them.
		await eventually("the accounts projection to run", () =>
			call<Account>("ledger.getAccount", { accountId: "c-1", position: deposit.position }).catch(() => undefined),
		);
	}, 60_000);
	afterAll(async () => {
		await broker?.stop();
		const left = (await redis?.keys(`${prefix}*`)) ?? [];
		if (left.length > 0) await redis.del(left);
		redis?.disconnect();
		await db?.drop();
	});

	it("answers a second read from the cache and counts it as a hit", async () => {
		const [misses, hits] = [await requests("ledger.getAccount", "miss"), await requests("ledger.getAccount", "hit")];
		expect(await call<Account>("ledger.getAccount", { accountId: "c-1" })).toMatchObject({ balance: 1_000 });
		expect(await requests("ledger.getAccount", "miss")).toBe(misses + 1);
		expect(await call<Account>("ledger.getAccount", { accountId: "c-1" })).toMatchObject({ balance: 1_000 });
		expect(await requests("ledger.getAccount", "hit")).toBe(hits + 1);
		expect(await keysOf("ledger-accounts:answer:account:c-1")).toHaveLength(1);
	});

	it("never answers a plain read from before a deposit the projection has applied", async () => {
		let expected = 1_000;
		for (let i = 1; i <= 20; i++) {
			// Cached first, so a missed invalidation would show as the old balance.
			expect(await call<Account>("ledger.getAccount", { accountId: "c-1" })).toMatchObject({ balance: expected });
			const lines = await call<unknown[]>("ledger.listTransactions", { accountId: "c-1", limit: 100 });
			const deposit = await call<Reply>("ledger.deposit", { accountId: "c-1", amount: i, currency: "EUR" });
			expected += i;
			await call("ledger.getAccount", { accountId: "c-1", position: deposit.position });
			expect(await call<Account>("ledger.getAccount", { accountId: "c-1" })).toMatchObject({ balance: expected });
			expect(await call<unknown[]>("ledger.listTransactions", { accountId: "c-1", limit: 100 })).toHaveLength(lines.length + 1);
		}
		expect(await requests("ledger.getAccount", "hit")).toBeGreaterThan(0);
		expect(await requests("ledger.listTransactions", "hit")).toBeGreaterThan(0);
	});

	it("follows a transfer through the cache as the projection moves it on", async () => {
		await call("ledger.requestTransfer", { transferId: "ct-1", fromAccountId: "c-1", toAccountId: "c-2", amount: 100, currency: "EUR" });
		const done = await eventually("the cached transfer to complete", async () => {
			const transfer = await call<{ status: string }>("ledger.getTransfer", { transferId: "ct-1" }).catch(() => undefined);
			return transfer?.status === "completed" ? transfer : undefined;
		});
		expect(done).toMatchObject({ fromAccountId: "c-1", toAccountId: "c-2", amount: 100 });
		expect(await requests("ledger.getTransfer", "miss")).toBeGreaterThan(0);
	});

	it("drops the projection's cached answers when a rebuild swaps its tables", async () => {
		await call("ledger.getAccount", { accountId: "c-2" });
		await call("ledger.getAccount", { accountId: "c-2" });
		expect(await keysOf("ledger-accounts:answer:*")).not.toHaveLength(0);
		await call("ledger.rebuildProjection", { name: "ledger-accounts" });
		expect(await keysOf("ledger-accounts:*")).toEqual([]);
		const misses = await requests("ledger.getAccount", "miss");
		expect(await call<Account>("ledger.getAccount", { accountId: "c-2" })).toMatchObject({ balance: 100 });
		expect(await requests("ledger.getAccount", "miss")).toBe(misses + 1);
	});
});

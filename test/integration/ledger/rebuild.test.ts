import type { ServiceBroker } from "moleculer";
import pg from "pg";
import { startBroker } from "../../support/broker.ts";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { auditLedger, ledgerCaughtUp } from "../../support/ledger-audit.ts";
import { requireServers } from "../../support/servers.ts";

describe("rebuilding a projection while commands keep flowing", () => {
	let db: TestDatabase;
	let broker: ServiceBroker;
	let client: pg.Client;

	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka");
		db = await createTestDatabase("rebuild");
		client = new pg.Client({ connectionString: db.url });
		await client.connect();
		broker = await startBroker(["services/ledger/ledger.service.ts"], {
			PLATFORM_POSTGRES__URL: db.url,
			PLATFORM_EVENTS__TOPIC_PREFIX: `${db.name}.`,
		});
		for (let i = 0; i < 10; i++) await broker.call("ledger.openAccount", { accountId: `r-${i}`, owner: `Owner ${i}`, currency: "EUR" });
	}, 60_000);
	afterAll(async () => {
		await broker?.stop();
		await client?.end();
		await db?.drop();
	});

	it("ends with the read model the live projection would have: every balance equals its stream's fold", async () => {
		let flowing = true;
		let commands = 0;
		const load = (async () => {
			while (flowing) {
				const accountId = `r-${commands % 10}`;
				await broker.call("ledger.deposit", { accountId, amount: 1 + (commands % 7), currency: "EUR" });
				commands++;
			}
		})();
		await new Promise((r) => setTimeout(r, 500));
		const report = await broker.call<{ events: number; applied: number }, object>("ledger.rebuildProjection", { name: "ledger-accounts" });
		await new Promise((r) => setTimeout(r, 500));
		flowing = false;
		await load;

		expect(report.events).toBeGreaterThanOrEqual(10);
		await ledgerCaughtUp(client);
		const audit = await auditLedger(client);
		expect(audit.mismatches).toEqual([]);
		expect(audit.projectedTotal).toBe(audit.deposited);
		const { rows } = await client.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename LIKE '%__rebuild'");
		expect(rows[0].n).toBe(0);
		expect(commands).toBeGreaterThan(20);
	});
});

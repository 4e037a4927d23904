import type { ServiceBroker } from "moleculer";
import { startBroker } from "../../support/broker.ts";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { requireServers } from "../../support/servers.ts";

describe("ledger accounts through the broker", () => {
	let db: TestDatabase;
	let broker: ServiceBroker;
	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka");
		db = await createTestDatabase("ledger");
		broker = await startBroker(["services/ledger/ledger.service.ts"], { PLATFORM_POSTGRES__URL: db.url });
	});
	afterAll(async () => {
		await broker?.stop();
		await db?.drop();
	});

	it("opens an account, deposits and withdraws, replying the stream, version and position", async () => {
		const opened = await broker.call("ledger.openAccount", { accountId: "a-1", owner: "Ada", currency: "EUR" });
		expect(opened).toMatchObject({ streamId: "ledger-account-a-1", version: 1 });
		await broker.call("ledger.deposit", { accountId: "a-1", amount: 1_000, currency: "EUR" });
		const withdrawn = await broker.call<{ version: number; position: number }, object>("ledger.withdraw", {
			accountId: "a-1",
			amount: 400,
			currency: "EUR",
		});
		expect(withdrawn.version).toBe(3);
		expect(withdrawn.position).toBeGreaterThan((opened as { position: number }).position);
	});

	it("refuses a command with an invalid body before appending, naming each field", async () => {
		const call = broker.call("ledger.deposit", { accountId: "a 1", amount: 10.5, currency: "euro", extra: true });
		await expect(call).rejects.toMatchObject({ code: 422, type: "VALIDATION_FAILED" });
		const error = await call.catch((e: { data: { issues: { field: string }[] } }) => e);
		const fields = (error as { data: { issues: { field: string }[] } }).data.issues.map((i) => i.field).sort();
		expect(fields).toEqual(["(body)", "accountId", "amount", "currency"]);
	});

	it("refuses an overdraft, a currency mismatch and a second open as business errors", async () => {
		await broker.call("ledger.openAccount", { accountId: "a-2", owner: "Bob", currency: "EUR" });
		await expect(broker.call("ledger.withdraw", { accountId: "a-2", amount: 1, currency: "EUR" })).rejects.toMatchObject({
			code: 422,
			type: "INSUFFICIENT_FUNDS",
		});
		await expect(broker.call("ledger.deposit", { accountId: "a-2", amount: 1, currency: "USD" })).rejects.toMatchObject({
			code: 422,
			type: "CURRENCY_MISMATCH",
		});
		await expect(broker.call("ledger.openAccount", { accountId: "a-2", owner: "Bob", currency: "EUR" })).rejects.toMatchObject({
			code: 409,
			type: "ACCOUNT_EXISTS",
		});
		await expect(broker.call("ledger.deposit", { accountId: "nobody", amount: 1, currency: "EUR" })).rejects.toMatchObject({ code: 404 });
	});

	it("closes only an empty account, which then refuses every command", async () => {
		await broker.call("ledger.openAccount", { accountId: "a-3", owner: "Cy", currency: "EUR" });
		await broker.call("ledger.deposit", { accountId: "a-3", amount: 5, currency: "EUR" });
		await expect(broker.call("ledger.closeAccount", { accountId: "a-3" })).rejects.toMatchObject({ type: "BALANCE_NOT_ZERO" });
		await broker.call("ledger.withdraw", { accountId: "a-3", amount: 5, currency: "EUR" });
		await broker.call("ledger.closeAccount", { accountId: "a-3" });
		await expect(broker.call("ledger.deposit", { accountId: "a-3", amount: 5, currency: "EUR" })).rejects.toMatchObject({
			type: "ACCOUNT_CLOSED",
		});
	});

	it("never overdraws under 50 parallel withdrawals: exactly the affordable ones succeed", async () => {
		await broker.call("ledger.openAccount", { accountId: "a-race", owner: "Di", currency: "EUR" });
		await broker.call("ledger.deposit", { accountId: "a-race", amount: 2_000, currency: "EUR" });
		const outcomes = await Promise.allSettled(
			Array.from({ length: 50 }, () => broker.call("ledger.withdraw", { accountId: "a-race", amount: 100, currency: "EUR" })),
		);
		const succeeded = outcomes.filter((o) => o.status === "fulfilled").length;
		const reasons = outcomes.flatMap((o) => (o.status === "rejected" ? [(o.reason as { type: string }).type] : []));
		expect(reasons.filter((r) => r !== "WRONG_EXPECTED_VERSION" && r !== "INSUFFICIENT_FUNDS")).toEqual([]);

		const pg = (await import("pg")).default;
		const client = new pg.Client({ connectionString: db.url });
		await client.connect();
		const { rows } = await client.query(
			"SELECT count(*)::int AS n FROM events WHERE stream_id = 'ledger-account-a-race' AND type = 'ledger.MoneyWithdrawn'",
		);
		await client.end();
		expect(rows[0].n).toBe(succeeded);
		expect(succeeded).toBeGreaterThan(0);
		expect(succeeded).toBeLessThanOrEqual(20);
		// Funds only go down here, so "insufficient" is only ever said once all 20 went through.
		if (reasons.includes("INSUFFICIENT_FUNDS")) expect(succeeded).toBe(20);
	});
});

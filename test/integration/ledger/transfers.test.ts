import { randomUUID } from "node:crypto";
import type { ServiceBroker } from "moleculer";
import pg from "pg";
import { transferProcess } from "../../../services/ledger/transfer-process.ts";
import { startBroker } from "../../support/broker.ts";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { eventually } from "../../support/eventually.ts";
import { requireServers } from "../../support/servers.ts";

/** The envelope fields a handler does not look at, for calling one directly as a redelivery would. */
const envelopeOf = (terms: { transferId: string }) => ({
	id: randomUUID(),
	type: "ledger.TransferRequested",
	streamId: `ledger-transfer-${terms.transferId}`,
	version: 1,
	position: 0,
	schemaVersion: 1,
	metadata: {},
	recordedAt: new Date(),
});

type Reply = { streamId: string; version: number; position: number };
type Transfer = { status: string; reason: string | null; compensated: boolean };

describe("ledger through Kafka: relay, projections and the transfer process", () => {
	let db: TestDatabase;
	let broker: ServiceBroker;
	const call = <T>(action: string, params: object) => broker.call<T, object>(action, params);
	const settled = (transferId: string) =>
		eventually(`transfer ${transferId} to settle`, async () => {
			const t = await call<Transfer>("ledger.getTransfer", { transferId }).catch(() => undefined);
			return t && (t.status === "completed" || t.status === "failed") ? t : undefined;
		});

	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka");
		db = await createTestDatabase("ledger");
		broker = await startBroker(["services/ledger/ledger.service.ts"], {
			PLATFORM_POSTGRES__URL: db.url,
			PLATFORM_EVENTS__TOPIC_PREFIX: `${db.name}.`,
			PLATFORM_EVENTS__TOPIC_PARTITIONS: "3",
		});
		for (const [accountId, owner, currency] of [
			["alice", "Alice", "EUR"],
			["bob", "Bob", "EUR"],
			["carol", "Carol", "EUR"],
			["dollar", "Dee", "USD"],
		]) {
			await call("ledger.openAccount", { accountId, owner, currency });
		}
		await call("ledger.deposit", { accountId: "alice", amount: 10_000, currency: "EUR" });
		// The consumer groups join in the background; read-your-writes is about a running projection.
		await eventually("the accounts projection to run", async () => {
			const alice = await call<{ balance: number }>("ledger.getAccount", { accountId: "alice" }).catch(() => undefined);
			return alice?.balance === 10_000 ? true : undefined;
		});
	}, 60_000);
	afterAll(async () => {
		await broker?.stop();
		await db?.drop();
	});

	it("answers a query with the command's own write when given its position", async () => {
		const reply = await call<Reply>("ledger.deposit", { accountId: "bob", amount: 250, currency: "EUR" });
		const account = await call<{ balance: number; version: number }>("ledger.getAccount", { accountId: "bob", position: reply.position });
		expect(account).toMatchObject({ balance: 250, version: reply.version });
	});

	it("completes a transfer: debit, credit, both in the accounts' transactions", async () => {
		const transferId = randomUUID();
		await call("ledger.requestTransfer", { transferId, fromAccountId: "alice", toAccountId: "bob", amount: 1_000, currency: "EUR" });
		expect(await settled(transferId)).toMatchObject({ status: "completed", compensated: false });
		const lines = await eventually("bob's transfer line", async () => {
			const rows = await call<{ kind: string; transferId: string }[]>("ledger.listTransactions", { accountId: "bob" });
			return rows.find((r) => r.transferId === transferId) ? rows : undefined;
		});
		expect(lines.find((r) => r.transferId === transferId)?.kind).toBe("transfer_in");
	});

	it("fails a transfer the source cannot pay, moving nothing", async () => {
		const transferId = randomUUID();
		await call("ledger.requestTransfer", { transferId, fromAccountId: "carol", toAccountId: "bob", amount: 1, currency: "EUR" });
		expect(await settled(transferId)).toMatchObject({ status: "failed", reason: "INSUFFICIENT_FUNDS", compensated: false });
	});

	it("ignores a TransferRequested redelivered after the transfer failed, even once the funds are there", async () => {
		const transferId = randomUUID();
		const terms = { transferId, fromAccountId: "carol", toAccountId: "bob", amount: 40, currency: "EUR" };
		await call("ledger.requestTransfer", terms);
		expect(await settled(transferId)).toMatchObject({ status: "failed", reason: "INSUFFICIENT_FUNDS" });
		const funded = await call<Reply>("ledger.deposit", { accountId: "carol", amount: 40, currency: "EUR" });

		const redelivered = transferProcess.handlers["ledger.TransferRequested"];
		await redelivered?.({ ...envelopeOf(terms), data: terms }, { call: (action, params) => broker.call(action, params) });

		const carol = await call<{ version: number; state: { balance: number } }>("ledger.accountState", { id: "carol" });
		expect(carol).toMatchObject({ version: funded.version, state: { balance: 40 } });
		expect(await call<{ state: { status: string } }>("ledger.transferState", { id: transferId })).toMatchObject({
			state: { status: "failed" },
		});
	});

	it("refunds the debit when the destination refuses the credit", async () => {
		const transferId = randomUUID();
		const before = await call<{ balance: number }>("ledger.getAccount", { accountId: "alice" });
		await call("ledger.requestTransfer", { transferId, fromAccountId: "alice", toAccountId: "dollar", amount: 300, currency: "EUR" });
		expect(await settled(transferId)).toMatchObject({ status: "failed", reason: "CURRENCY_MISMATCH", compensated: true });
		const after = await eventually("alice's refund", async () => {
			const a = await call<{ balance: number }>("ledger.getAccount", { accountId: "alice" });
			return a.balance === before.balance ? a : undefined;
		});
		expect(after.balance).toBe(before.balance);
	});

	it("carries one correlation id from the request through every step, each caused by the event before", async () => {
		const transferId = randomUUID();
		const requested = await broker.call<Reply, object>(
			"ledger.requestTransfer",
			{ transferId, fromAccountId: "alice", toAccountId: "bob", amount: 5, currency: "EUR" },
			{ meta: { correlationId: `corr-${transferId}` } },
		);
		await settled(transferId);
		const client = new pg.Client({ connectionString: db.url });
		await client.connect();
		const { rows } = await client.query<{ type: string; event_id: string; metadata: { correlationId: string; causationId: string } }>(
			"SELECT type, event_id, metadata FROM events WHERE metadata->>'correlationId' = $1 ORDER BY global_position",
			[`corr-${transferId}`],
		);
		await client.end();
		expect(rows.map((r) => r.type)).toEqual([
			"ledger.TransferRequested",
			"ledger.MoneyWithdrawn",
			"ledger.TransferDebited",
			"ledger.MoneyDeposited",
			"ledger.TransferCredited",
			"ledger.TransferCompleted",
		]);
		const idOf = (type: string) => rows.find((r) => r.type === type)?.event_id;
		expect(rows.find((r) => r.type === "ledger.MoneyWithdrawn")?.metadata.causationId).toBe(idOf("ledger.TransferRequested"));
		expect(rows.find((r) => r.type === "ledger.MoneyDeposited")?.metadata.causationId).toBe(idOf("ledger.TransferDebited"));
		expect(requested.position).toBeGreaterThan(0);
	});

	it("answers 503 with the reason when the read model does not reach the position in time, 404 for a position that does not exist", async () => {
		const blocker = new pg.Client({ connectionString: db.url });
		await blocker.connect();
		try {
			// What a rebuild's swap holds: live applies of the projection wait behind it.
			await blocker.query("BEGIN");
			await blocker.query("SELECT pg_advisory_xact_lock(hashtext('projection:ledger-accounts'))");
			const reply = await call<Reply>("ledger.deposit", { accountId: "bob", amount: 1, currency: "EUR" });
			await expect(call("ledger.getAccount", { accountId: "bob", position: reply.position })).rejects.toMatchObject({
				code: 503,
				type: "READ_MODEL_BEHIND",
				message: expect.stringContaining(`has not reached position ${reply.position}`),
			});
			// A new stream has no inbox row to lock yet: the apply still waits for the projection's lock.
			const opened = await call<Reply>("ledger.openAccount", { accountId: "newcomer", owner: "Nia", currency: "EUR" });
			await expect(call("ledger.getAccount", { accountId: "newcomer", position: opened.position })).rejects.toMatchObject({
				code: 503,
			});
		} finally {
			await blocker.query("ROLLBACK");
			await blocker.end();
		}
		await expect(call("ledger.getAccount", { accountId: "bob", position: 99_999_999 })).rejects.toMatchObject({ code: 404 });
	});

	it("does not wait on an event of a type the read model does not handle", async () => {
		const transferId = randomUUID();
		await call("ledger.requestTransfer", { transferId, fromAccountId: "alice", toAccountId: "bob", amount: 1, currency: "EUR" });
		await settled(transferId);
		// The transfers projection never records account streams: waiting on a deposit would time out.
		const deposit = await call<Reply>("ledger.deposit", { accountId: "carol", amount: 1, currency: "EUR" });
		expect(await call<Transfer>("ledger.getTransfer", { transferId, position: deposit.position })).toMatchObject({ status: "completed" });
	});

	it("reports each projection's status", async () => {
		const statuses = await call<{ name: string; applied: number; deadLettered: number }[]>("ledger.projections", {});
		expect(statuses.map((s) => s.name).sort()).toEqual(["ledger-accounts", "ledger-transfers"]);
		for (const status of statuses) expect(status).toMatchObject({ deadLettered: 0 });
		expect(statuses.every((s) => s.applied > 0)).toBe(true);
	});
});

import { randomUUID } from "node:crypto";
import type { ServiceBroker } from "moleculer";
import pg from "pg";
import { accountsProjection } from "../../services/ledger/projections/accounts.projection.ts";
import { transfersProjection } from "../../services/ledger/projections/transfers.projection.ts";
import { startBroker } from "../support/broker.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { eventually } from "../support/eventually.ts";
import { killKafka, restartKafka } from "../support/kafka-process.ts";
import { auditLedger, ledgerCaughtUp } from "../support/ledger-audit.ts";
import { requireServers } from "../support/servers.ts";

const ACCOUNTS = 20;
const OPENING_BALANCE = 10_000;
const TRANSFERS = 2_000;
const CONCURRENCY = 40;

type Run = { db: TestDatabase; broker: ServiceBroker; client: pg.Client };

async function startRun(label: string): Promise<Run> {
	const db = await createTestDatabase(label);
	const client = new pg.Client({ connectionString: db.url });
	await client.connect();
	const broker = await startBroker(["services/ledger/ledger.service.ts"], {
		PLATFORM_POSTGRES__URL: db.url,
		PLATFORM_EVENTS__TOPIC_PREFIX: `${db.name}.`,
		PLATFORM_EVENTS__TOPIC_PARTITIONS: "6",
	});
	for (let i = 0; i < ACCOUNTS; i++) {
		await broker.call("ledger.openAccount", { accountId: `bank-${i}`, owner: `Owner ${i}`, currency: "EUR" });
		await broker.call("ledger.deposit", { accountId: `bank-${i}`, amount: OPENING_BALANCE, currency: "EUR" });
	}
	return { db, broker, client };
}

async function stopRun(run: Run | undefined): Promise<void> {
	await run?.broker.stop();
	await run?.client.end();
	await run?.db.drop();
}

/** Requests TRANSFERS random transfers, CONCURRENCY at a time; `midway` runs once half have been requested. */
async function requestTransfers(broker: ServiceBroker, midway: () => Promise<void> = async () => undefined): Promise<void> {
	let next = 0;
	let midwayDone: Promise<void> | undefined;
	const worker = async () => {
		while (next < TRANSFERS) {
			const n = next++;
			if (n === TRANSFERS / 2) midwayDone = midway();
			const from = Math.floor(Math.random() * ACCOUNTS);
			const to = (from + 1 + Math.floor(Math.random() * (ACCOUNTS - 1))) % ACCOUNTS;
			const terms = {
				transferId: randomUUID(),
				fromAccountId: `bank-${from}`,
				toAccountId: `bank-${to}`,
				amount: 1 + Math.floor(Math.random() * 2_000),
			};
			await broker.call("ledger.requestTransfer", { ...terms, currency: "EUR" });
		}
	};
	await Promise.all(Array.from({ length: CONCURRENCY }, worker));
	await midwayDone;
}

async function expectBooksBalance(run: Run): Promise<void> {
	await eventually(
		"every transfer to settle",
		async () => {
			const { rows } = await run.client.query<{ open: number; total: number }>(
				"SELECT count(*) FILTER (WHERE status NOT IN ('completed', 'failed'))::int AS open, count(*)::int AS total FROM ledger_transfers",
			);
			return rows[0]?.total === TRANSFERS && rows[0].open === 0 ? true : undefined;
		},
		300_000,
	);
	await ledgerCaughtUp(run.client);
	// Refunds of compensated transfers follow their TransferFailed; give them time to land.
	const audit = await eventually("the books to balance", async () => {
		const a = await auditLedger(run.client);
		return a.projectedTotal === a.deposited && a.mismatches.length === 0 ? a : undefined;
	}).catch(() => auditLedger(run.client));
	expect(audit.mismatches).toEqual([]);
	expect(audit.deposited).toBe(ACCOUNTS * OPENING_BALANCE);
	expect(audit.projectedTotal).toBe(ACCOUNTS * OPENING_BALANCE);

	// Exactly once: each projection counted every stored event of a type it handles once
	// (redeliveries change nothing).
	for (const projection of [accountsProjection, transfersProjection]) {
		const { rows } = await run.client.query<{ applied: string; stored: string }>(
			`SELECT applied, (SELECT count(*) FROM events WHERE type = ANY($2)) AS stored
			 FROM projection_progress WHERE projection = $1`,
			[projection.name, Object.keys(projection.handlers)],
		);
		expect(rows).toHaveLength(1);
		expect(rows[0]?.applied).toBe(rows[0]?.stored);
	}

	// One currency and no closed accounts: a transfer either completes or fails for want of funds, before any debit.
	const outcomes = await run.client.query<{ status: string; reason: string | null; compensated: boolean }>(
		"SELECT DISTINCT status, reason, compensated FROM ledger_transfers",
	);
	for (const outcome of outcomes.rows) {
		expect([
			{ status: "completed", reason: null, compensated: false },
			{ status: "failed", reason: "INSUFFICIENT_FUNDS", compensated: false },
		]).toContainEqual(outcome);
	}
}

describe("the bank check", () => {
	beforeAll(() => requireServers("postgres", "redis", "kafka"));

	describe("2,000 concurrent transfers between 20 accounts", () => {
		let run: Run | undefined;
		afterAll(() => stopRun(run));

		it("keeps the books: balances sum to the deposits, each equals its stream's fold, each event applied once", async () => {
			run = await startRun("bank");
			await requestTransfers(run.broker);
			await expectBooksBalance(run);
		}, 600_000);
	});

	describe("the same with the Kafka broker killed (SIGKILL) and restarted midway", () => {
		let run: Run | undefined;
		afterAll(() => stopRun(run));

		it("keeps the books after recovery", async () => {
			run = await startRun("bankfault");
			let restarted = false;
			await requestTransfers(run.broker, async () => {
				const home = await killKafka();
				await new Promise((r) => setTimeout(r, 2_000));
				await restartKafka(home);
				restarted = true;
			});
			expect(restarted).toBe(true);
			await expectBooksBalance(run);
		}, 600_000);
	});
});

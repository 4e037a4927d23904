import { randomUUID } from "node:crypto";
import type { ServiceBroker } from "moleculer";
import pg from "pg";
import { platformOf } from "../../../platform/bootstrap/index.ts";
import { START } from "../../../platform/eventstore/index.ts";
import { inTransaction } from "../../../platform/postgres/index.ts";
import { applyEvents, type ProjectedEvent } from "../../../platform/projections/index.ts";
import { hashOf } from "../../../services/audit/domain/chain.ts";
import { auditTrailProjection } from "../../../services/audit/projections/audit-trail.projection.ts";
import { entryOf } from "../../../services/audit/trail-rows.ts";
import { startBroker } from "../../support/broker.ts";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { eventually } from "../../support/eventually.ts";
import { requireServers } from "../../support/servers.ts";
import { traceIdOf, traceparentOf } from "../../support/traces.ts";

type Entry = { seq: number; actor: string | null; action: string; subject: string; outcome: string; traceId: string | null };
type Verified = { ok: boolean; checked: number; firstBrokenAt?: number; problem?: string };

describe("the audit trail: every module's events, hash-chained", () => {
	let db: TestDatabase;
	let broker: ServiceBroker;
	let client: pg.Client;
	const actor = randomUUID();
	/** A call as a signed-in user's request would make it: the user in meta, in a trace of its own. */
	// Each call continues a trace of the caller's, named after its label.
	const asUser = (action: string, params: object, label: string) =>
		broker.call(action, params, { meta: { user: { id: actor } }, headers: { traceparent: traceparentOf(label) } });
	const count = async (table: string) => (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]?.n;
	/** Waits until the trail holds an entry for every stored event. */
	const caughtUp = () =>
		eventually("the trail to hold every event", async () => {
			const { rows } = await client.query<{ n: number }>(
				"SELECT count(*)::int AS n FROM events e WHERE NOT EXISTS (SELECT 1 FROM audit_entries a WHERE a.event_id = e.event_id)",
			);
			return rows[0]?.n === 0 ? true : undefined;
		});
	const verify = () => broker.call<Verified, object>("audit.verify", {});
	/** Changes the trail the way only someone with the table owner's rights can: triggers off, in one transaction. */
	const tamper = async (sql: string, params: unknown[] = []) => {
		await client.query("BEGIN");
		await client.query("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only");
		await client.query(sql, params);
		await client.query("ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only");
		await client.query("COMMIT");
	};

	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka");
		db = await createTestDatabase("audit");
		client = new pg.Client({ connectionString: db.url });
		broker = await startBroker(["services/ledger/ledger.service.ts", "services/audit/audit.service.ts"], {
			PLATFORM_POSTGRES__URL: db.url,
			PLATFORM_EVENTS__TOPIC_PREFIX: `${db.name}.`,
			PLATFORM_EVENTS__TOPIC_PARTITIONS: "3",
		});
		await client.connect();
	}, 60_000);
	afterAll(async () => {
		await broker?.stop();
		await client?.end();
		await db?.drop();
	});

	it("records who did what to which stream, how it ended and in which request", async () => {
		await asUser("ledger.openAccount", { accountId: "ann", owner: "Ann", currency: "EUR" }, "req-open");
		await asUser("ledger.deposit", { accountId: "ann", amount: 500, currency: "EUR" }, "req-deposit");
		// From an empty account: the transfer process refuses the debit and fails the transfer.
		await asUser("ledger.openAccount", { accountId: "ben", owner: "Ben", currency: "EUR" }, "req-open-ben");
		await asUser(
			"ledger.requestTransfer",
			{ transferId: "t-empty", fromAccountId: "ben", toAccountId: "ann", amount: 1, currency: "EUR" },
			"req-transfer",
		);

		const deposit = await eventually("the deposit's entry", async () => {
			const { entries } = await broker.call<{ entries: Entry[] }, object>("audit.list", { traceId: traceIdOf("req-deposit") });
			return entries[0];
		});
		expect(deposit).toMatchObject({ actor, action: "ledger.MoneyDeposited", subject: "ledger-account-ann", outcome: "success" });

		const transfer = await eventually("the failed transfer's entries", async () => {
			const { entries } = await broker.call<{ entries: Entry[] }, object>("audit.list", { traceId: traceIdOf("req-transfer") });
			return entries.some((e) => e.action === "ledger.TransferFailed") ? entries : undefined;
		});
		// Newest first; the process manager's step keeps the request's trace id but is not the user's own call.
		expect(transfer.map((e) => [e.action, e.outcome])).toEqual([
			["ledger.TransferFailed", "failure"],
			["ledger.TransferRequested", "success"],
		]);
		expect(transfer.at(-1)).toMatchObject({ actor, subject: "ledger-transfer-t-empty" });
	});

	it("keeps one gapless chain while partitions are applied concurrently", async () => {
		const accounts = Array.from({ length: 30 }, (_, i) => `acc-${i}`);
		await Promise.all(accounts.map((accountId) => broker.call("ledger.openAccount", { accountId, owner: "Many", currency: "EUR" })));
		await Promise.all(accounts.map((accountId) => broker.call("ledger.deposit", { accountId, amount: 7, currency: "EUR" })));
		await caughtUp();

		const { rows } = await client.query<{ seq: string }>("SELECT seq FROM audit_entries ORDER BY seq");
		expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i + 1));
		expect(await verify()).toEqual({
			ok: true,
			checked: rows.length,
			head: { seq: rows.length, hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
		});
	});

	it("makes an appender wait until the one before has committed, so that both chain", async () => {
		// An inbox of its own, so these made-up events leave the projection's alone.
		const target = { projection: auditTrailProjection, inboxName: "audit-trail-probe", tableNames: auditTrailProjection.tables };
		const closed = (streamId: string): ProjectedEvent => ({
			id: randomUUID(),
			type: "ledger.AccountClosed",
			streamId,
			version: 1,
			position: 1,
			schemaVersion: 1,
			data: { accountId: streamId },
			metadata: {},
			recordedAt: new Date(),
		});
		const { pg: pool } = platformOf(broker).container.awilix.cradle;
		const [first, second] = [await pool.connect(), await pool.connect()];
		try {
			await first.query("BEGIN");
			await second.query("BEGIN");
			await applyEvents(first, target, [closed("probe-1")]);
			const waiting = applyEvents(second, target, [closed("probe-2")]);
			const early = await Promise.race([waiting.then(() => "applied"), new Promise((r) => setTimeout(r, 300, "waiting"))]);
			expect(early).toBe("waiting");
			await first.query("COMMIT");
			expect(await waiting).toBe(1);
			await second.query("COMMIT");
		} finally {
			first.release();
			second.release();
		}
		expect((await verify()).ok).toBe(true);
	});

	it("adds nothing for a redelivered event or a replayed dead letter that is already in", async () => {
		await caughtUp();
		const before = await count("audit_entries");
		const { pg: pool, eventStore, eventCatalog } = platformOf(broker).container.awilix.cradle;
		const stored = await eventStore.readAll(START, 1_000);
		const redelivered: ProjectedEvent[] = stored.map(({ transactionId: _, ...event }) => ({
			...event,
			data: eventCatalog.decode(event.type, event.schemaVersion, event.data).data,
		}));
		const target = { projection: auditTrailProjection, inboxName: auditTrailProjection.name, tableNames: auditTrailProjection.tables };
		expect(await inTransaction(pool, (c) => applyEvents(c, target, redelivered))).toBe(0);

		// A dead letter whose event got in after all (a redelivery once the fault was gone).
		const [first] = stored;
		await client.query(
			`INSERT INTO projection_dead_letters (projection, event_id, stream_id, version, position, type, error, attempts)
			 VALUES ('audit-trail', $1, $2, $3, $4, $5, 'gone by now', 5)`,
			[first?.id, first?.streamId, first?.version, first?.position, first?.type],
		);
		expect(await broker.call("audit.replayDeadLetters", { name: "audit-trail" })).toEqual({ replayed: 1, stillFailing: [] });
		expect(await count("audit_entries")).toBe(before);
		expect((await verify()).ok).toBe(true);
	});

	it("refuses to change, delete or truncate an entry, and to rebuild the trail", async () => {
		await expect(client.query("UPDATE audit_entries SET actor = 'someone else' WHERE seq = 1")).rejects.toThrow(
			/append-only: UPDATE refused/,
		);
		await expect(client.query("DELETE FROM audit_entries WHERE seq = 1")).rejects.toThrow(/append-only: DELETE refused/);
		await expect(client.query("TRUNCATE audit_entries")).rejects.toThrow(/append-only: TRUNCATE refused/);
		await expect(broker.call("audit.rebuildProjection", { name: "audit-trail" })).rejects.toMatchObject({
			code: 422,
			type: "AUDIT_TRAIL_APPEND_ONLY",
		});
	});

	it("finds a tampered entry: changed fields, a rehashed entry, a removed one", async () => {
		await caughtUp();
		const total = await count("audit_entries");
		const { rows } = await client.query("SELECT * FROM audit_entries WHERE seq = 3");
		const original = rows[0] as { actor: string | null; hash: Buffer };

		await tamper("UPDATE audit_entries SET actor = 'mallory' WHERE seq = 3");
		expect(await verify()).toEqual({ ok: false, checked: 3, firstBrokenAt: 3, problem: "hash" });

		// Rehashing the changed entry (with the same canonical form) moves the break to the next link.
		const changed = entryOf((await client.query("SELECT * FROM audit_entries WHERE seq = 3")).rows[0]);
		await tamper("UPDATE audit_entries SET hash = $1 WHERE seq = 3", [hashOf(changed.prevHash, 3, changed)]);
		expect(await verify()).toEqual({ ok: false, checked: 4, firstBrokenAt: 4, problem: "link" });

		await tamper("UPDATE audit_entries SET actor = $1, hash = $2 WHERE seq = 3", [original.actor, original.hash]);
		expect(await verify()).toMatchObject({ ok: true, checked: total });

		// A time moved by less than a millisecond, below what the hash covers.
		await tamper("UPDATE audit_entries SET recorded_at = recorded_at + interval '876 microseconds' WHERE seq = 3");
		expect(await verify()).toEqual({ ok: false, checked: 3, firstBrokenAt: 3, problem: "hash" });
		await tamper("UPDATE audit_entries SET recorded_at = recorded_at - interval '876 microseconds' WHERE seq = 3");
		expect(await verify()).toMatchObject({ ok: true, checked: total });

		await tamper("DELETE FROM audit_entries WHERE seq = 2");
		expect(await verify()).toEqual({ ok: false, checked: 2, firstBrokenAt: 2, problem: "gap" });
	});
});

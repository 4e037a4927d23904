import pg from "pg";
import { type Checkpoint, checkpointOf, type RecordedEvent, START } from "../../../platform/eventstore/index.ts";
import { createEventStoreDb, type EventStoreDb } from "../../support/event-store-db.ts";
import { requireServers } from "../../support/servers.ts";

const INSERT = `INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data)
  VALUES ($1, 1, gen_random_uuid(), 'test.Happened', 1, '{}') RETURNING global_position`;

/** Reads everything after `from` the way the relay does: batch by batch, moving the checkpoint. */
async function drain(es: EventStoreDb, from: Checkpoint): Promise<{ events: RecordedEvent[]; checkpoint: Checkpoint }> {
	const events: RecordedEvent[] = [];
	let checkpoint = from;
	for (;;) {
		const batch = await es.store.readAll(checkpoint, 2);
		if (batch.length === 0) return { events, checkpoint };
		events.push(...batch);
		checkpoint = checkpointOf(batch.at(-1) as RecordedEvent);
	}
}

describe("EventStore.readAll", () => {
	let es: EventStoreDb;
	let early: pg.Client;
	let late: pg.Client;
	beforeAll(async () => {
		await requireServers("postgres");
		es = await createEventStoreDb();
		early = new pg.Client({ connectionString: es.db.url });
		late = new pg.Client({ connectionString: es.db.url });
		await Promise.all([early.connect(), late.connect()]);
	});
	afterAll(async () => {
		await Promise.all([early?.end(), late?.end()]);
		await es?.close();
	});

	it("returns every committed event once, in order, across batches", async () => {
		for (let i = 0; i < 5; i++) await es.store.append(`all-${i}`, [{ type: "test.Happened", schemaVersion: 1, data: { i } }]);
		const { events } = await drain(es, START);
		expect(events.map((e) => e.data)).toEqual([0, 1, 2, 3, 4].map((i) => ({ i })));
	});

	it("never skips a transaction that commits after a later position was read", async () => {
		const { checkpoint } = await drain(es, START);

		// The early transaction takes its transaction id first and its position last, so the
		// late one commits a lower position while the early one is still open.
		await early.query("BEGIN");
		await early.query("SELECT pg_current_xact_id()");
		const latePosition = (await late.query(INSERT, ["late-commits-first"])).rows[0].global_position;
		const seenMeanwhile = await drain(es, checkpoint);
		expect(seenMeanwhile.events).toEqual([]);

		const earlyPosition = (await early.query(INSERT, ["early-commits-last"])).rows[0].global_position;
		expect(Number(earlyPosition)).toBeGreaterThan(Number(latePosition));
		expect((await drain(es, checkpoint)).events).toEqual([]);
		await early.query("COMMIT");

		const after = await drain(es, seenMeanwhile.checkpoint);
		expect(after.events.map((e) => e.streamId).sort()).toEqual(["early-commits-last", "late-commits-first"]);
	});

	it("does not return a position while an earlier-started transaction holding a lower one is open", async () => {
		const { checkpoint } = await drain(es, START);
		await early.query("BEGIN");
		await early.query(INSERT, ["lower-position-open"]);
		await late.query(INSERT, ["higher-position-committed"]);
		expect((await drain(es, checkpoint)).events).toEqual([]);
		await early.query("COMMIT");
		expect((await drain(es, checkpoint)).events.map((e) => e.streamId)).toEqual(["lower-position-open", "higher-position-committed"]);
	});

	it("orders by transaction id as a number, also where ids gain a digit", async () => {
		// Ids far below every real one, so that these events come first in commit order; 99
		// sorts after 100 as text, and the event of transaction 99 has the highest position.
		const insertWithXid = `INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, transaction_id)
		  VALUES ($1, 1, gen_random_uuid(), 'test.Happened', 1, '{}', $2::xid8)`;
		await es.pool.query(insertWithXid, ["xid-100-first", "100"]);
		await es.pool.query(insertWithXid, ["xid-100-second", "100"]);
		await es.pool.query(insertWithXid, ["xid-99", "99"]);
		// Its real transaction id has more digits and starts with a lower one.
		await es.store.append("xid-real", [{ type: "test.Happened", schemaVersion: 1, data: {} }]);

		const { events, checkpoint } = await drain(es, START);
		const ours = events.filter((e) => e.streamId.startsWith("xid-")).map((e) => e.streamId);
		expect(ours).toEqual(["xid-99", "xid-100-first", "xid-100-second", "xid-real"]);
		expect(await es.store.head()).toEqual(checkpoint);
	});

	it("finds the event at a global position", async () => {
		const { position } = await es.store.append("at-1", [{ type: "test.Happened", schemaVersion: 1, data: {} }]);
		expect((await es.store.eventAt(position))?.streamId).toBe("at-1");
		expect(await es.store.eventAt(position + 1_000)).toBeUndefined();
	});
});

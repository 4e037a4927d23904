import { randomUUID } from "node:crypto";
import pino from "pino";
import { Registry } from "prom-client";
import { QueryCache } from "../../../platform/cache/index.ts";
import { AppliedSignal, defineProjection, type ProjectedEvent, type StreamVersion } from "../../../platform/projections/index.ts";
import { projectionSink } from "../../../platform/projections/projection-sink.ts";
import { createEventStoreDb, type EventStoreDb } from "../../support/event-store-db.ts";
import { requireServers } from "../../support/servers.ts";

const lines = defineProjection({
	name: "sink-probe",
	topics: ["probe.events"],
	tables: { lines: "sink_probe_lines" },
	handlers: {
		"probe.Noted": async (event, db) => {
			const { n } = event.data as { n: number };
			if (n < 0) throw new Error(`refused ${n}`);
			await db.query(`INSERT INTO ${db.table("lines")} (stream_id, n) VALUES ($1, $2)`, [event.streamId, n]);
		},
	},
});

let position = 0;
const noted = (streamId: string, version: number, n: number): ProjectedEvent => ({
	position: ++position,
	streamId,
	version,
	id: randomUUID(),
	type: "probe.Noted",
	schemaVersion: 1,
	data: { n },
	metadata: {},
	recordedAt: new Date(),
});

/** The batches a consumer group hands over for several partitions at once share one transaction. */
describe("a projection's sink", () => {
	let es: EventStoreDb;
	const signal = new AppliedSignal();
	const sink = () =>
		projectionSink(
			lines,
			es.pool,
			new QueryCache({ cacher: undefined, ttlSeconds: 60, registry: new Registry(), logger: pino({ level: "silent" }) }),
			signal,
		);
	const stored = async () =>
		(
			await es.pool.query<{ stream_id: string; n: number; tx: string }>(
				"SELECT stream_id, n, xmin::text AS tx FROM sink_probe_lines ORDER BY n",
			)
		).rows;

	beforeAll(async () => {
		await requireServers("postgres");
		es = await createEventStoreDb();
		await es.pool.query("CREATE TABLE sink_probe_lines (stream_id text NOT NULL, n int NOT NULL)");
	});
	afterAll(() => es?.close());
	beforeEach(() => es.pool.query("TRUNCATE sink_probe_lines, projection_inbox, projection_progress"));

	it("applies the batches of partitions handed over together in one transaction", async () => {
		const s = sink();
		await Promise.all([
			s.applyBatch([noted("a", 1, 1), noted("a", 2, 2)]),
			s.applyBatch([noted("b", 1, 3)]),
			s.applyBatch([noted("c", 1, 4)]),
		]);
		const rows = await stored();
		expect(rows.map((r) => [r.stream_id, r.n])).toEqual([
			["a", 1],
			["a", 2],
			["b", 3],
			["c", 4],
		]);
		expect(new Set(rows.map((r) => r.tx)).size).toBe(1);
	});

	it("signals what it committed, once committed, and nothing of a redelivery", async () => {
		const heard: StreamVersion[][] = [];
		const unsubscribe = signal.subscribe((projection, applied) => {
			expect(projection).toBe("sink-probe");
			heard.push(applied.map(({ streamId, version }) => ({ streamId, version })));
		});
		try {
			const s = sink();
			const batch = [noted("f", 1, 6), noted("f", 2, 7)];
			await s.applyBatch(batch);
			await s.applyBatch(batch);
			expect(heard).toEqual([
				[
					{ streamId: "f", version: 1 },
					{ streamId: "f", version: 2 },
				],
			]);
		} finally {
			unsubscribe();
		}
	});

	it("fails every batch of a shared transaction that one event broke, and applies the others' events alone afterwards", async () => {
		const s = sink();
		const good = noted("d", 1, 5);
		const outcomes = await Promise.allSettled([s.applyBatch([good]), s.applyBatch([noted("e", 1, -1)])]);
		expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"]);
		expect(await stored()).toEqual([]);
		await s.applyOne(good);
		expect((await stored()).map((r) => r.n)).toEqual([5]);
	});

	it("applies each event once when two consumers apply overlapping batches at once, and counts it once", async () => {
		// A partition handed to a new consumer while the old one still applies what it fetched.
		const [first, second] = [sink(), sink()];
		const g1 = noted("g", 1, 11);
		const g2 = noted("g", 2, 12);
		const g3 = noted("g", 3, 13);
		const h1 = noted("h", 1, 21);
		for (let round = 0; round < 5; round++) {
			await es.pool.query("TRUNCATE sink_probe_lines, projection_inbox, projection_progress");
			await Promise.all([first.applyBatch([g1, g2, h1]), second.applyBatch([g1, g2, g3]), second.applyBatch([h1])]);
			expect((await stored()).map((r) => r.n)).toEqual([11, 12, 13, 21]);
			const { rows } = await es.pool.query<{ applied: string; last_position: string }>(
				"SELECT applied, last_position FROM projection_progress WHERE projection = 'sink-probe'",
			);
			expect(rows).toEqual([{ applied: "4", last_position: String(Math.max(g3.position, h1.position)) }]);
		}
		// A batch partly applied before: only its new events go through the handler.
		await first.applyBatch([g2, g3, noted("g", 4, 14)]);
		expect((await stored()).map((r) => r.n)).toEqual([11, 12, 13, 14, 21]);
	});
});

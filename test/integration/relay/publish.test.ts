import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";
import { topicOfModule } from "../../../platform/contracts/index.ts";
import type { NewEvent } from "../../../platform/eventstore/index.ts";
import { eventually } from "../../support/node-process.ts";
import { consumeTopic, relayCaughtUp, relaySuite, testKafka, versionsByStream } from "../../support/relay.ts";
import { SERVERS } from "../../support/servers.ts";

const run = promisify(execFile);
const happened = (module: string, n: number): NewEvent => ({ type: `${module}.Happened`, schemaVersion: 1, data: { n } });

describe("Relay: publishing", () => {
	const suite = relaySuite();

	it("relays every event to its module topic with CloudEvents headers, keyed by stream, in stream order", async () => {
		const { es } = suite;
		const [orders, invoices] = [suite.module(), suite.module()];
		const metadata = {
			correlationId: "corr-1",
			causationId: "cause-1",
			userId: "user-1",
			traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
		};
		// Streams interleaved across appends, some appends carrying two events, more than one batch.
		for (let round = 1; round <= 4; round++) {
			for (const stream of ["a", "b", "c"]) {
				await es.store.append(`${orders}-${stream}`, [happened(orders, round * 2 - 1), { ...happened(orders, round * 2), metadata }]);
			}
			await es.store.append(`${invoices}-x`, [happened(invoices, round)]);
		}
		suite.relay({ batchSize: 5, topics: [topicOfModule(orders)] });
		await relayCaughtUp(es);

		const records = await consumeTopic(topicOfModule(orders), 24);
		expect(records).toHaveLength(24);
		const byStream = versionsByStream(records);
		for (const stream of ["a", "b", "c"]) expect(byStream.get(`${orders}-${stream}`)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
		for (const key of byStream.keys()) expect(new Set(records.filter((r) => r.key === key).map((r) => r.partition)).size).toBe(1);

		const second = records.find((r) => r.key === `${orders}-b` && r.headers.ce_streamversion === "2");
		expect(second?.headers).toMatchObject({
			ce_specversion: "1.0",
			ce_type: `${orders}.Happened`,
			ce_source: `urn:platform:${orders}`,
			ce_subject: `${orders}-b`,
			ce_schemaversion: "1",
			ce_correlationid: "corr-1",
			ce_causationid: "cause-1",
			ce_userid: "user-1",
			traceparent: metadata.traceparent,
		});
		expect(second?.headers.ce_id).toMatch(/^[0-9a-f-]{36}$/);
		expect(second?.value).toEqual({ n: 2 });

		const other = await consumeTopic(topicOfModule(invoices), 4);
		expect(other.map((r) => r.value)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
	});

	it("publishes events held back behind a transaction in flight as soon as it ends, not at the next poll", async () => {
		const { es } = suite;
		const module = suite.module();
		const { relay } = suite.relay({ pollIntervalMs: 60_000, topics: [topicOfModule(module)] });
		await eventually(async () => relay.active, 10_000, "relay active");
		const inFlight = new pg.Client({ connectionString: es.db.url });
		await inFlight.connect();
		try {
			await inFlight.query("BEGIN");
			await inFlight.query(
				"INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data) VALUES ($1, 1, gen_random_uuid(), $2, 1, '{}')",
				[`${module}-late`, `${module}.Happened`],
			);
			// Committed after the transaction above began: held back until it ends. Its NOTIFY
			// wakes the relay, which can read nothing yet.
			await es.store.append(`${module}-early`, [happened(module, 1)]);
			await es.pool.query("SELECT pg_notify('platform_events', '')");
			await new Promise((r) => setTimeout(r, 200));
			await inFlight.query("COMMIT");
		} finally {
			await inFlight.end();
		}
		// No NOTIFY for the commit and a 60 s poll: only the relay's own re-read can deliver them.
		await relayCaughtUp(es, 5_000);
		expect((await consumeTopic(topicOfModule(module), 2)).map((r) => r.key).sort()).toEqual([`${module}-early`, `${module}-late`]);
	});

	it("creates the published topics, behind the topic prefix, with their dead-letter topics when it becomes active", async () => {
		const declared = topicOfModule(suite.module());
		const topic = suite.topic(`prefix.${declared}`);
		suite.relay({ topics: [declared], topicPrefix: "prefix." });
		const admin = testKafka().admin();
		await admin.connect();
		try {
			const deadline = Date.now() + 10_000;
			let names: string[] = [];
			while (Date.now() < deadline && !names.includes(`${topic}.dlq`)) {
				names = await admin.listTopics();
				await new Promise((r) => setTimeout(r, 100));
			}
			expect(names).toEqual(expect.arrayContaining([topic, `${topic}.dlq`]));
			expect(names).not.toContain(declared);
			const { topics: metadata } = await admin.fetchTopicMetadata({ topics: [topic] });
			expect(metadata[0]?.partitions).toHaveLength(3);
		} finally {
			await admin.disconnect();
		}
	});

	it("never skips an event whose transaction commits after a later one", async () => {
		const { es } = suite;
		const module = suite.module();
		suite.relay();
		const early = new pg.Client({ connectionString: es.db.url });
		const late = new pg.Client({ connectionString: es.db.url });
		await Promise.all([early.connect(), late.connect()]);
		const insert = `INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data)
      VALUES ($1, 1, gen_random_uuid(), $2, 1, '{}') RETURNING global_position`;
		try {
			// The early transaction takes its id first; the late one commits first, while the relay runs.
			await early.query("BEGIN");
			await early.query("SELECT pg_current_xact_id()");
			const latePosition = Number((await late.query(insert, ["late-commits-first", `${module}.Happened`])).rows[0].global_position);
			await new Promise((r) => setTimeout(r, 600));
			const earlyPosition = Number((await early.query(insert, ["early-commits-last", `${module}.Happened`])).rows[0].global_position);
			await early.query("COMMIT");
			expect(earlyPosition).toBeGreaterThan(latePosition);
			await relayCaughtUp(es);
		} finally {
			await Promise.all([early.end(), late.end()]);
		}
		const records = await consumeTopic(topicOfModule(module), 2);
		expect(records.map((r) => r.key).sort()).toEqual(["early-commits-last", "late-commits-first"]);
	});

	it("writes records that kcat reads with their ce_ headers and key", async () => {
		const { es } = suite;
		const module = suite.module();
		await es.store.append(`${module}-s1`, [happened(module, 1), happened(module, 2)]);
		suite.relay();
		await relayCaughtUp(es);
		const topic = topicOfModule(module);
		const { stdout } = await run("kcat", ["-C", "-b", SERVERS.kafka, "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%h %k %s\\n"]);
		const lines = stdout.trim().split("\n");
		expect(lines).toHaveLength(2);
		expect(lines[0]).toContain(`ce_type=${module}.Happened`);
		expect(lines[0]).toContain("ce_specversion=1.0");
		expect(lines[0]).toMatch(/ce_id=[0-9a-f-]{36}/);
		expect(lines[0]).toContain("ce_streamversion=1");
		expect(lines[0]).toMatch(new RegExp(` ${module}-s1 \\{"n": ?1\\}$`));
		expect(lines[1]).toContain("ce_streamversion=2");
	});
});

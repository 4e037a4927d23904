import pg from "pg";
import { ANY_AFTER, EVENT_AT, HEAD, READ_ALL, READ_STREAM } from "../../../platform/eventstore/read-statements.ts";
import { LAG_SQL } from "../../../platform/relay/lag.ts";
import { createEventStoreDb, type EventStoreDb } from "../../support/event-store-db.ts";
import { requireServers } from "../../support/servers.ts";

const EVENTS = 20_000;

/**
 * The store's reads run on every relay batch, every idle second of the relay and every lag
 * scrape, over a table that only grows. Each must start where its index says and stop at its
 * limit, whatever the parameters: as a named statement, Postgres plans it once for all
 * parameters after five runs, so these are the generic plans.
 */
describe("the event store's read plans", () => {
	let es: EventStoreDb;
	let client: pg.Client;
	let head: { xid: string; position: string };
	beforeAll(async () => {
		await requireServers("postgres");
		es = await createEventStoreDb();
		await es.pool.query(
			`INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data)
			 SELECT 'plan-' || (k % 100), k / 100 + 1, gen_random_uuid(), 'test.Happened', 1, '{}' FROM generate_series(0, $1::int - 1) k`,
			[EVENTS],
		);
		await es.pool.query("ANALYZE events");
		const { rows } = await es.pool.query(
			"SELECT transaction_id::text AS xid, global_position::text AS position FROM events ORDER BY global_position DESC LIMIT 1",
		);
		head = rows[0];
		// The relay has caught up: the case where a read that scans finds nothing and reads everything.
		await es.pool.query("UPDATE relay_checkpoint SET transaction_id = $1::xid8, position = $2", [head.xid, head.position]);
		client = new pg.Client({ connectionString: es.db.url });
		await client.connect();
		await client.query("SET plan_cache_mode = force_generic_plan");
	});
	afterAll(async () => {
		await client?.end();
		await es?.close();
	});

	/** The generic plan of `text` as a prepared statement with parameters of `types`, run with `values`. */
	async function genericPlan(name: string, text: string, types: string[], values: unknown[]): Promise<string> {
		const params = types.length > 0 ? `(${types.join(", ")})` : "";
		await client.query(`PREPARE ${name}${params} AS ${text}`);
		// EXECUTE takes no bind parameters: the values go in as quoted literals.
		const args = values.length > 0 ? `(${values.map((v) => client.escapeLiteral(String(v))).join(", ")})` : "";
		const { rows } = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN EXECUTE ${name}${args}`);
		return rows.map((r) => r["QUERY PLAN"]).join("\n");
	}

	it("reads a batch in commit order off the commit-order index", async () => {
		const plan = await genericPlan("read_all", READ_ALL.text, ["xid8", "bigint", "int"], ["0", 0, 500]);
		expect(plan).toMatch(
			/Index Scan using events_commit_order on events\s.*\n\s*Index Cond: \(\(ROW\(transaction_id, global_position\) > /,
		);
		expect(plan).not.toMatch(/Seq Scan|Sort/);
	});

	it("asks whether anything follows a caught-up checkpoint at the start of that index", async () => {
		const plan = await genericPlan("any_after", ANY_AFTER.text, ["xid8", "bigint"], [head.xid, head.position]);
		expect(plan).toMatch(
			/Index Only Scan using events_commit_order on events\s.*\n\s*Index Cond: \(ROW\(transaction_id, global_position\) > /,
		);
		expect(plan).not.toMatch(/Seq Scan|Sort/);
	});

	it("reads a stream off its (stream, version) key, the head and a position off their indexes", async () => {
		// A stream is read whole to fold it; sorting its own events is part of that, scanning others' is not.
		const stream = await genericPlan("read_stream", READ_STREAM.text, ["text", "int"], ["plan-1", 1]);
		expect(stream).toMatch(/Index Cond: \(\(stream_id = \$1\) AND \(stream_version >= \$2\)\)/);
		expect(stream).not.toContain("Seq Scan");
		const end = await genericPlan("head", HEAD.text, [], []);
		expect(end).toContain("Index Only Scan Backward using events_commit_order");
		const at = await genericPlan("event_at", EVENT_AT.text, ["bigint"], [1]);
		expect(at).toMatch(/Index Scan using events_pkey on events/);
		for (const plan of [end, at]) expect(plan).not.toMatch(/Seq Scan|Sort/);
	});

	it("finds the relay's lag by starting the commit-order scan at the checkpoint", async () => {
		const { rows } = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ${LAG_SQL}`);
		const plan = rows.map((r) => r["QUERY PLAN"]).join("\n");
		expect(plan).toMatch(
			/Index Scan using events_commit_order on events e\s.*\n\s*Index Cond: \(ROW\(transaction_id, global_position\) > /,
		);
		expect(plan).not.toMatch(/Join Filter|Seq Scan on events|Sort/);
	});
});

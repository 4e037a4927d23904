import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { EmbeddedPostgres } from "../../../platform/embedded/index.ts";

/** node-postgres on the embedded database, as the embedded profile's pool reaches it. */
describe("the embedded Postgres (PGlite through node-postgres)", () => {
	const dataDir = mkdtempSync(join(tmpdir(), "pglite-bridge-"));
	let db: EmbeddedPostgres;
	let pool: pg.Pool;

	beforeAll(async () => {
		db = EmbeddedPostgres.open(dataDir);
		pool = new pg.Pool({ user: "postgres", database: "postgres", max: 4, stream: () => db.connect() });
		await pool.query("CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)");
	});
	afterAll(async () => {
		await pool.end();
		await db.close();
		rmSync(dataDir, { recursive: true, force: true });
	});
	beforeEach(() => pool.query("TRUNCATE notes"));

	it("answers with node-postgres's types and errors", async () => {
		const { rows } = await pool.query("SELECT $1::int8 AS big, '{\"a\":1}'::jsonb AS doc, now() AS at, pg_current_xact_id() AS xid", [
			"42",
		]);
		expect(rows[0]).toMatchObject({ big: "42", doc: { a: 1 }, at: expect.any(Date), xid: expect.stringMatching(/^\d+$/) });
		await expect(pool.query("INSERT INTO notes VALUES (1, NULL)")).rejects.toMatchObject({ code: "23502", column: "body" });
		const both = (await pool.query("SELECT 1 AS one; SELECT 2 AS two")) as unknown as pg.QueryResult[];
		expect(both.map((r) => r.rows[0])).toEqual([{ one: 1 }, { two: 2 }]);
	});

	it("gives each connection a transaction of its own: another waits until it ends", async () => {
		const a = await pool.connect();
		const b = await pool.connect();
		try {
			await a.query("BEGIN");
			await a.query("INSERT INTO notes VALUES (1, 'from a')");
			let seen: number | undefined;
			const read = b.query<{ n: number }>("SELECT count(*)::int AS n FROM notes").then((r) => {
				seen = r.rows[0]?.n;
			});
			await new Promise((resolve) => setTimeout(resolve, 50));
			expect(seen).toBeUndefined();
			await a.query("COMMIT");
			await read;
			expect(seen).toBe(1);
		} finally {
			a.release();
			b.release();
		}
	});

	it("keeps each connection's prepared statements apart, and drops them when it closes", async () => {
		const statement = { name: "notes.count", text: "SELECT count(*)::int AS n FROM notes" };
		const clients = [await pool.connect(), await pool.connect()];
		for (const client of clients) expect((await client.query(statement)).rows).toEqual([{ n: 0 }]);
		const prepared = async () => (await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_prepared_statements")).rows[0]?.n;
		const before = (await prepared()) as number;
		for (const client of clients) client.release(true);
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(await prepared()).toBe(before - 2);
	});

	it("rolls back what a connection left open when it went away", async () => {
		const client = await pool.connect();
		await client.query("BEGIN");
		await client.query("INSERT INTO notes VALUES (2, 'never committed')");
		client.release(true);
		expect((await pool.query("SELECT count(*)::int AS n FROM notes")).rows).toEqual([{ n: 0 }]);
	});

	it("rolls back a transaction that idles while another connection waits, and tells its connection why", async () => {
		const dir = mkdtempSync(join(tmpdir(), "pglite-idle-"));
		const strict = EmbeddedPostgres.open(dir, 300);
		const connect = () => new pg.Client({ user: "postgres", database: "postgres", stream: () => strict.connect() });
		const [holder, waiter] = [connect(), connect()];
		try {
			// A connection ended by the server also reports it as an 'error' event (a pool listens for those).
			holder.on("error", () => undefined);
			for (const client of [holder, waiter]) await client.connect();
			await holder.query("CREATE TABLE t (id int)");
			await holder.query("BEGIN");
			await holder.query("INSERT INTO t VALUES (1)");
			// The holder sends nothing more: the waiter gets its turn once the holder's transaction is ended.
			expect((await waiter.query("SELECT count(*)::int AS n FROM t")).rows).toEqual([{ n: 0 }]);
			const failed = holder.query("COMMIT");
			await expect(failed).rejects.toThrow(
				"rolled back this connection's transaction: it sat idle for 300 ms while other connections waited",
			);
		} finally {
			await Promise.all([holder.end().catch(() => undefined), waiter.end()]);
			await strict.close();
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it("refuses a second database on the same folder (another process is refused as well, see test/e2e)", () => {
		expect(() => EmbeddedPostgres.open(dataDir)).toThrow(`${dataDir} is already open in this process`);
	});
});

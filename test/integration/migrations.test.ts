import { execFile } from "node:child_process";
import { appendFileSync, cpSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { PROJECT_ROOT } from "../support/node-process.ts";
import { requireServers } from "../support/servers.ts";
import { tempDirs } from "../support/temp-dirs.ts";

const temp = tempDirs();
afterAll(() => temp.removeAll());

const run = promisify(execFile);

/** Runs `npm run migrate`'s script as its own process against `db` and the fixture at `dir`. */
async function migrateProcess(db: TestDatabase, dir: string): Promise<{ code: number; output: string }> {
	try {
		const { stdout, stderr } = await run(process.execPath, ["scripts/migrate.ts"], {
			cwd: PROJECT_ROOT,
			env: {
				...process.env,
				PLATFORM_ENV: "test",
				PLATFORM_LOG__LEVEL: "info",
				PLATFORM_POSTGRES__URL: db.url,
				PLATFORM_MODULES__DIR: join(dir, "services"),
				PLATFORM_MODULES__MIGRATIONS_DIR: join(dir, "migrations"),
			},
		});
		return { code: 0, output: stdout + stderr };
	} catch (err) {
		const failed = err as { code: number; stdout: string; stderr: string };
		return { code: failed.code, output: failed.stdout + failed.stderr };
	}
}

function fixtureCopy(): string {
	const dir = temp.make("race-");
	cpSync(join(PROJECT_ROOT, "test", "fixtures", "race"), dir, { recursive: true });
	return dir;
}

async function query<T extends pg.QueryResultRow>(db: TestDatabase, sql: string): Promise<T[]> {
	const client = new pg.Client({ connectionString: db.url });
	await client.connect();
	try {
		return (await client.query<T>(sql)).rows;
	} finally {
		await client.end();
	}
}

describe("migrations against the real Postgres", () => {
	let db: TestDatabase;
	beforeAll(() => requireServers("postgres"));
	beforeEach(async () => {
		db = await createTestDatabase("migr");
	});
	afterEach(() => db.drop());

	it("two processes racing apply each migration exactly once, in dependency order", async () => {
		const dir = fixtureCopy();
		const [first, second] = await Promise.all([migrateProcess(db, dir), migrateProcess(db, dir)]);
		expect([first.code, second.code]).toEqual([0, 0]);
		const runs = await query<{ migration: string }>(db, "SELECT migration FROM migration_runs");
		expect(runs.map((r) => r.migration)).toEqual(["alpha/001", "beta/001", "beta/002"]);
		const recorded = await query<{ module: string; version: number }>(
			db,
			"SELECT module, version FROM platform_migrations ORDER BY applied_at, module",
		);
		expect(recorded).toEqual([
			{ module: "alpha", version: 1 },
			{ module: "beta", version: 1 },
			{ module: "beta", version: 2 },
		]);
	});

	it("refuses to start when an applied file changed, naming it, and applies nothing new", async () => {
		const dir = fixtureCopy();
		expect((await migrateProcess(db, dir)).code).toBe(0);
		appendFileSync(join(dir, "migrations", "beta", "001_refs.sql"), "-- edited after it ran\n");
		appendFileSync(join(dir, "migrations", "beta", "003_new.sql"), "INSERT INTO migration_runs VALUES ('beta/003');\n");
		const again = await migrateProcess(db, dir);
		expect(again.code).not.toBe(0);
		expect(again.output).toMatch(/changed since they ran[\s\S]*beta\/001_refs\.sql/);
		const runs = await query<{ migration: string }>(db, "SELECT migration FROM migration_runs");
		expect(runs.map((r) => r.migration)).not.toContain("beta/003");
	});

	it("rolls back a failing file and names its file and line", async () => {
		const dir = fixtureCopy();
		appendFileSync(join(dir, "migrations", "beta", "003_broken.sql"), "INSERT INTO migration_runs VALUES ('beta/003');\nSELEC 1;\n");
		const result = await migrateProcess(db, dir);
		expect(result.code).not.toBe(0);
		expect(result.output).toMatch(/beta\/003_broken\.sql:2: syntax error at or near "SELEC"/);
		const runs = await query<{ migration: string }>(db, "SELECT migration FROM migration_runs");
		expect(runs.map((r) => r.migration)).toEqual(["alpha/001", "beta/001", "beta/002"]);
	});
});

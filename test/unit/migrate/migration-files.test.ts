import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checksumOf, readMigrations } from "../../../platform/migrate/index.ts";
import { tempDirs } from "../../support/temp-dirs.ts";

const temp = tempDirs();
afterAll(() => temp.removeAll());

function migrationsDir(files: Record<string, string>): string {
	const root = temp.make("migrations-");
	mkdirSync(join(root, "ledger"));
	for (const [name, sql] of Object.entries(files)) writeFileSync(join(root, "ledger", name), sql);
	return root;
}

describe("readMigrations", () => {
	it("reads NNN_name.sql files in version order with their checksums", () => {
		const root = migrationsDir({ "010_b.sql": "SELECT 2;", "002_a.sql": "SELECT 1;", "README.md": "notes" });
		const files = readMigrations(root, "ledger");
		expect(files.map((f) => [f.version, f.name])).toEqual([
			[2, "a"],
			[10, "b"],
		]);
		expect(files[0]?.checksum).toBe(checksumOf("SELECT 1;"));
	});

	it("has nothing for a module without a folder", () => {
		expect(readMigrations(migrationsDir({}), "audit")).toEqual([]);
	});

	it("refuses a badly named file and a reused version, naming the files", () => {
		expect(() => readMigrations(migrationsDir({ "1-init.sql": "" }), "ledger")).toThrow(/1-init\.sql: name must be NNN_name\.sql/);
		expect(() => readMigrations(migrationsDir({ "001_a.sql": "", "001_b.sql": "" }), "ledger")).toThrow(
			/001_b\.sql: version 1 is already used by .*001_a\.sql/,
		);
	});
});

import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { MigrationError } from "./errors.ts";

export type MigrationFile = { module: string; version: number; name: string; file: string; sql: string; checksum: string };

const FILE_PATTERN = /^(\d{3,})_([a-z0-9_]+)\.sql$/;

/** Reads migrations/<module>/NNN_name.sql in version order; a module without a folder has none. */
export function readMigrations(root: string, module: string): MigrationFile[] {
	const dir = join(root, module);
	if (!existsSync(dir)) return [];
	const files: MigrationFile[] = [];
	for (const entry of readdirSync(dir).sort()) {
		if (!entry.endsWith(".sql")) continue;
		const match = FILE_PATTERN.exec(entry);
		const file = join(dir, entry);
		if (!match) throw new MigrationError(`${file}: name must be NNN_name.sql (digits, underscore, lower-case words)`);
		const version = Number(match[1]);
		const clash = files.find((m) => m.version === version);
		if (clash) throw new MigrationError(`${file}: version ${version} is already used by ${clash.file}`);
		const sql = readFileSync(file, "utf8");
		files.push({ module, version, name: match[2] as string, file, sql, checksum: checksumOf(sql) });
	}
	return files.sort((a, b) => a.version - b.version);
}

export function checksumOf(sql: string): string {
	return createHash("sha256").update(sql).digest("hex");
}

/** 1-based line of a character offset, to point at the failing statement. */
export function lineAt(sql: string, position: number): number {
	return sql.slice(0, Math.max(0, position - 1)).split("\n").length;
}

import type pg from "pg";
import type { Logger } from "pino";
import { MigrationError } from "./errors.ts";
import { lineAt, type MigrationFile, readMigrations } from "./files.ts";

/** One cluster-wide key, so nodes starting together apply each migration exactly once. */
const LOCK_KEY = "platform.migrations";

/** The kernel's own tables (the event store, the relay's checkpoint) come before any module's. */
export const KERNEL_MIGRATIONS = "platform";

const LEDGER_SQL = `
CREATE TABLE IF NOT EXISTS platform_migrations (
  module      text        NOT NULL,
  version     integer     NOT NULL,
  name        text        NOT NULL,
  checksum    text        NOT NULL,
  applied_at  timestamptz NOT NULL DEFAULT now(),
  duration_ms integer     NOT NULL,
  PRIMARY KEY (module, version)
)`;

export type MigrationReport = { applied: MigrationFile[]; alreadyApplied: number };

type AppliedRow = { module: string; version: number; checksum: string };

/**
 * Applies the pending migrations of the kernel, then of `modules` (already in dependency
 * order), each file in its own transaction, while holding a session advisory lock. An applied
 * file whose checksum changed stops everything before any new file runs.
 */
export async function migrate(pool: pg.Pool, root: string, modules: readonly string[], logger: Logger): Promise<MigrationReport> {
	const plan = [KERNEL_MIGRATIONS, ...modules].flatMap((module) => readMigrations(root, module));
	const client = await pool.connect();
	try {
		await client.query("SELECT pg_advisory_lock(hashtext($1))", [LOCK_KEY]);
		try {
			await client.query(LEDGER_SQL);
			const applied = await appliedMigrations(client);
			verifyChecksums(plan, applied);
			const pending = plan.filter((m) => !applied.has(keyOf(m)));
			for (const migration of pending) await applyOne(client, migration, logger);
			return { applied: pending, alreadyApplied: plan.length - pending.length };
		} finally {
			await client.query("SELECT pg_advisory_unlock(hashtext($1))", [LOCK_KEY]);
		}
	} finally {
		client.release();
	}
}

async function appliedMigrations(client: pg.PoolClient): Promise<Map<string, AppliedRow>> {
	const { rows } = await client.query<AppliedRow>("SELECT module, version, checksum FROM platform_migrations");
	return new Map(rows.map((row) => [keyOf(row), row]));
}

function verifyChecksums(plan: MigrationFile[], applied: Map<string, AppliedRow>): void {
	const changed = plan.filter((m) => {
		const row = applied.get(keyOf(m));
		return row !== undefined && row.checksum !== m.checksum;
	});
	if (changed.length === 0) return;
	const files = changed.map((m) => `  - ${m.file}`).join("\n");
	throw new MigrationError(`Applied migration(s) changed since they ran; restore them and add a new migration instead:\n${files}`);
}

async function applyOne(client: pg.PoolClient, migration: MigrationFile, logger: Logger): Promise<void> {
	const started = performance.now();
	try {
		await client.query("BEGIN");
		await client.query(migration.sql);
		await client.query("INSERT INTO platform_migrations (module, version, name, checksum, duration_ms) VALUES ($1, $2, $3, $4, $5)", [
			migration.module,
			migration.version,
			migration.name,
			migration.checksum,
			Math.round(performance.now() - started),
		]);
		await client.query("COMMIT");
	} catch (err) {
		await client.query("ROLLBACK");
		throw new MigrationError(describeFailure(migration, err), { cause: err });
	}
	logger.info(
		{ module: migration.module, version: migration.version, ms: Math.round(performance.now() - started) },
		`applied migration ${migration.file}`,
	);
}

function describeFailure(migration: MigrationFile, err: unknown): string {
	const pgErr = err as { message?: string; position?: string };
	const line = pgErr.position ? `:${lineAt(migration.sql, Number(pgErr.position))}` : "";
	return `${migration.file}${line}: ${pgErr.message ?? String(err)}`;
}

function keyOf(m: { module: string; version: number }): string {
	return `${m.module}/${m.version}`;
}

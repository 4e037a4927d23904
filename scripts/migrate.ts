/**
 * `npm run migrate`: applies every module's pending migrations in dependency order and exits,
 * for release jobs that migrate before nodes start (with bootstrap.migrate: false).
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../platform/config/index.ts";
import { PlatformContainer } from "../platform/container/index.ts";
import { createRootLogger } from "../platform/logger/index.ts";
import { createMetrics } from "../platform/metrics/index.ts";
import { migrate } from "../platform/migrate/index.ts";
import { discoverModules, orderModules } from "../platform/modules/index.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

async function main(): Promise<number> {
	const config = loadConfig({ dir: join(root, "config") });
	const logger = createRootLogger(config, `migrate-${process.pid}`);
	const container = new PlatformContainer(config, logger, createMetrics(`migrate-${process.pid}`), [], root);
	try {
		const modules = orderModules(discoverModules(resolve(root, config.modules.dir))).map((m) => m.name);
		const report = await migrate(container.resolve("pg"), resolve(root, config.modules.migrationsDir), modules, logger);
		logger.info({ applied: report.applied.map((m) => m.file), alreadyApplied: report.alreadyApplied }, "migrations up to date");
		return 0;
	} finally {
		await container.dispose(logger);
	}
}

main().then(
	(code) => process.exit(code),
	(err: Error) => {
		process.stderr.write(`migrate failed: ${err.message}\n`);
		process.exit(1);
	},
);

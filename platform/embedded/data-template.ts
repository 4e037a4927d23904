import { cpSync, existsSync, readFileSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * Where the install keeps a freshly initialised PGlite data folder (written by `postinstall`,
 * see scripts/embedded-template.ts), keyed by PGlite's version: a data folder is only good for
 * the version that made it.
 */
export function templateDir(): string {
	const { version } = JSON.parse(readFileSync(join(root, "node_modules", "@electric-sql", "pglite", "package.json"), "utf8")) as {
		version: string;
	};
	return join(root, "node_modules", ".cache", "platform", `pglite-${version}-datadir`);
}

/**
 * A new data folder starts as a copy of the template (a file copy of ~40 MB instead of ~5 s
 * of initdb in WebAssembly); without a template, PGlite runs initdb itself.
 */
export function seedFromTemplate(dataDir: string): void {
	const template = templateDir();
	if (existsSync(join(dataDir, "PG_VERSION")) || !existsSync(join(template, "PG_VERSION"))) return;
	cpSync(template, dataDir, { recursive: true });
}

/** Moves a data folder initialised at `staging` into the template's place, so a start never copies half of one. */
export function publishTemplate(staging: string): string {
	const template = templateDir();
	rmSync(template, { recursive: true, force: true });
	renameSync(staging, template);
	return template;
}

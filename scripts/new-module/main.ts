/**
 * `npm run new:module <name>`: a module that works at once: module.yaml, an event-sourced
 * command and its event, a projection and its migration, a query, their REST routes and gRPC
 * rpcs, and tests on the embedded profile. Its event contracts join events/index.ts and the
 * event catalog (docs/events.md) is written again.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ModuleNames, moduleNames } from "./names.ts";
import { moduleFiles } from "./templates.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CONTRACTS_FILE = join(root, "events", "index.ts");
const BIOME = join(root, "node_modules", "@biomejs", "biome", "bin", "biome");

/** Adds the module's contracts to the list every node's catalog is built from. */
function registerContracts({ module: m }: ModuleNames): void {
	const source = readFileSync(CONTRACTS_FILE, "utf8");
	const list = /export const contracts: EventContract\[\] = \[(.*?)\];/s;
	if (!list.test(source))
		throw new Error("events/index.ts no longer has `export const contracts: EventContract[] = [...]`; add the module's contracts by hand");
	const lastImport = source.lastIndexOf("\nimport ");
	const endOfImports = source.indexOf("\n", lastImport + 1);
	const withImport = `${source.slice(0, endOfImports)}\nimport { ${m}Events } from "./${m}/index.ts";${source.slice(endOfImports)}`;
	writeFileSync(
		CONTRACTS_FILE,
		withImport.replace(
			list,
			(_all, items: string) => `export const contracts: EventContract[] = [${items.trim().replace(/,$/, "")}, ...${m}Events];`,
		),
	);
}

function main(): void {
	const names = moduleNames(process.argv[2]);
	const taken = ["services", "events", "migrations", "proto"].filter((dir) => existsSync(join(root, dir, names.module)));
	if (names.module === "platform" || taken.length > 0) {
		throw new Error(
			`"${names.module}" is taken (${names.module === "platform" ? "the kernel's" : taken.map((d) => `${d}/${names.module}`).join(", ")})`,
		);
	}
	const files = moduleFiles(names);
	for (const [path, content] of Object.entries(files)) {
		mkdirSync(dirname(join(root, path)), { recursive: true });
		writeFileSync(join(root, path), content);
	}
	registerContracts(names);
	execFileSync(process.execPath, [join(root, "scripts", "events-docs.ts")], { cwd: root, stdio: "ignore" });
	// The templates are formatted for a short name; a long one may need lines wrapped otherwise.
	execFileSync(
		process.execPath,
		[BIOME, "check", "--write", ...Object.keys(files).filter((path) => path.endsWith(".ts")), "events/index.ts"],
		{ cwd: root, stdio: "ignore" },
	);
	const m = names.module;
	process.stdout.write(
		[
			`created the ${m} module:`,
			...Object.keys(files).map((path) => `  ${path}`),
			"  events/index.ts (its contracts), docs/events.md (the catalog)",
			"",
			"next:",
			`  npm test -- services/${m}             # its tests, on the embedded profile`,
			"  npm start                              # then, with a token (the start-up lines say how):",
			`  curl -s localhost:3000/api/v1/${m}/entries -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"entryId":"e-1","text":"hello"}'`,
			"",
		].join("\n"),
	);
}

try {
	main();
} catch (err) {
	process.stderr.write(`npm run new:module: ${(err as Error).message}\n`);
	process.exit(1);
}

import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { PROJECT_ROOT } from "./../support/node-process.ts";

/** What a checkout holds besides its sources: not copied. */
const LEFT_OUT = new Set(["node_modules", ".git", ".infra", ".data", ".scratch", "coverage"]);

/**
 * `npm run new:module` in a copy of the project: the module it writes typechecks, passes the
 * linter and its own tests, as a team's first module would.
 */
describe("npm run new:module", () => {
	const copy = mkdtempSync(join(tmpdir(), "new-module-"));
	const node = process.execPath;
	const run = (args: string[]) => spawnSync(node, args, { cwd: copy, encoding: "utf8", env: { ...process.env, CI: "true" } });

	beforeAll(() => {
		cpSync(PROJECT_ROOT, copy, { recursive: true, filter: (src) => !LEFT_OUT.has(relative(PROJECT_ROOT, src).split("/")[0] ?? "") });
		// Hard links: node_modules costs no copy, and TypeScript resolves the module augmentations' paths as in the project.
		execFileSync("cp", ["-al", join(PROJECT_ROOT, "node_modules"), join(copy, "node_modules")]);
	});
	afterAll(() => rmSync(copy, { recursive: true, force: true }));

	it("writes a module that typechecks, lints and passes its tests", () => {
		const generated = run(["scripts/new-module/main.ts", "sample"]);
		expect(generated.stderr).toBe("");
		expect(generated.status).toBe(0);
		expect(readFileSync(join(copy, "events", "index.ts"), "utf8")).toContain("...sampleEvents");
		expect(readFileSync(join(copy, "docs", "events.md"), "utf8")).toContain("sample.EntryRecorded");

		const typecheck = run(["node_modules/typescript/bin/tsc", "--noEmit", "-p", "."]);
		expect({ status: typecheck.status, output: typecheck.stdout + typecheck.stderr }).toEqual({ status: 0, output: "" });
		// The copy is no git checkout, so biome reads no .gitignore; LEFT_OUT kept what it would skip.
		const lint = run(["node_modules/@biomejs/biome/bin/biome", "check", "--vcs-enabled=false", "."]);
		expect({ status: lint.status, output: lint.stdout + lint.stderr }).toMatchObject({ status: 0 });

		const tests = run(["--experimental-vm-modules", "node_modules/jest/bin/jest.js", "services/sample"]);
		expect(tests.stdout).toMatch(/^tests: 3 passed, 0 failed, 0 skipped$/m);
		expect(tests.status).toBe(0);
	}, 240_000);

	it("refuses a taken name and a name that is not one lower-case word", () => {
		expect(run(["scripts/new-module/main.ts", "ledger"]).stderr).toContain(
			'"ledger" is taken (services/ledger, events/ledger, migrations/ledger, proto/ledger)',
		);
		const bad = run(["scripts/new-module/main.ts", "Bad-Name"]);
		expect(bad.status).toBe(1);
		expect(bad.stderr).toContain('"Bad-Name" cannot name a module');
	});
});

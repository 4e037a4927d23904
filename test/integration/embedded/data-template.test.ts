import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seedFromTemplate, templateDir } from "../../../platform/embedded/data-template.ts";

/** The install's initdb (`postinstall`), which spares the first `npm start` about five seconds. */
describe("the embedded database's template", () => {
	const scratch = mkdtempSync(join(tmpdir(), "template-"));
	afterAll(() => rmSync(scratch, { recursive: true, force: true }));

	it("is prepared by the install, for this PGlite version", () => {
		expect(existsSync(join(templateDir(), "PG_VERSION"))).toBe(true);
		expect(templateDir()).toMatch(/pglite-\d+\.\d+\.\d+-datadir$/);
	});

	it("seeds a new data folder and leaves an existing one alone", () => {
		const fresh = join(scratch, "fresh");
		seedFromTemplate(fresh);
		expect(readFileSync(join(fresh, "PG_VERSION"), "utf8")).toBe(readFileSync(join(templateDir(), "PG_VERSION"), "utf8"));

		const existing = join(scratch, "existing");
		mkdirSync(existing);
		writeFileSync(join(existing, "PG_VERSION"), "mine\n");
		seedFromTemplate(existing);
		expect(readFileSync(join(existing, "PG_VERSION"), "utf8")).toBe("mine\n");
		expect(existsSync(join(existing, "global"))).toBe(false);
	});
});

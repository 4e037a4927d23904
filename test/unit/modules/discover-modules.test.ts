import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { discoverModules } from "../../../platform/modules/index.ts";
import { tempDirs } from "../../support/temp-dirs.ts";

const temp = tempDirs();
afterAll(() => temp.removeAll());

function servicesDir(manifests: Record<string, string>): string {
	const root = temp.make("services-");
	for (const [folder, yaml] of Object.entries(manifests)) {
		mkdirSync(join(root, folder));
		writeFileSync(join(root, folder, "module.yaml"), yaml);
	}
	return root;
}

const valid = (name: string, extra = "") => `name: ${name}\nversion: 1.0.0\ndescription: The ${name} module.\n${extra}`;

describe("discoverModules", () => {
	it("reads each module.yaml with defaults for the optional fields", () => {
		const [ledger] = discoverModules(
			servicesDir({ ledger: valid("ledger", "dependsOn: [identity]\ntopics:\n  publishes: [ledger.events]\n") }),
		);
		expect(ledger).toMatchObject({
			name: "ledger",
			dependsOn: ["identity"],
			permissions: [],
			topics: { publishes: ["ledger.events"], consumes: [] },
		});
	});

	it("ignores folders without a manifest", () => {
		const root = servicesDir({ ledger: valid("ledger") });
		mkdirSync(join(root, "shared-code"));
		expect(discoverModules(root).map((m) => m.name)).toEqual(["ledger"]);
	});

	it("names the file and every bad field of every invalid manifest at once", () => {
		const root = servicesDir({
			ledger: "name: ledger\nversion: one\ndescription: x\nowner: me\n",
			audit: valid("audit", "permissions: [Read Everything]\n"),
		});
		let message = "";
		try {
			discoverModules(root);
		} catch (err) {
			message = (err as Error).message;
		}
		expect(message).toMatch(/ledger\/module\.yaml: version: must be a semantic version/);
		expect(message).toMatch(/ledger\/module\.yaml: owner: unknown key/);
		expect(message).toMatch(/audit\/module\.yaml: permissions\.0: must look like module:resource:verb/);
	});

	it("refuses a manifest whose name differs from its folder", () => {
		expect(() => discoverModules(servicesDir({ ledger: valid("ledgr") }))).toThrow(/name: "ledgr" must match its folder "ledger"/);
	});

	it("refuses the name the kernel's own migrations use", () => {
		expect(() => discoverModules(servicesDir({ platform: valid("platform") }))).toThrow(
			/platform\/module\.yaml: name: is reserved for the kernel/,
		);
	});

	it("names the file of a manifest that is not valid YAML", () => {
		expect(() => discoverModules(servicesDir({ ledger: "name: [oops\n" }))).toThrow(/ledger\/module\.yaml: /);
	});
});

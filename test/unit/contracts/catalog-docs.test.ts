import { readFileSync } from "node:fs";
import { join } from "node:path";
import { contracts } from "../../../events/index.ts";
import { renderCatalog, schemaFileName, toJsonSchema } from "../../../platform/contracts/catalog-docs.ts";
import { EventCatalog } from "../../../platform/contracts/index.ts";
import { PROJECT_ROOT } from "../../support/node-process.ts";

const catalog = new EventCatalog(contracts);

describe("the published event catalog", () => {
	it.each(catalog.all().map((c) => [`${c.type} v${c.version}`, c] as const))("%s: its example satisfies its schema", (_, contract) => {
		expect(() => catalog.validate(contract.type, contract.version, contract.example)).not.toThrow();
	});

	it("docs/events.md and docs/events/*.json are what `npm run events:docs` writes now", () => {
		expect(readFileSync(join(PROJECT_ROOT, "docs", "events.md"), "utf8")).toBe(renderCatalog(catalog.all()));
		for (const contract of catalog.all()) {
			const file = readFileSync(join(PROJECT_ROOT, "docs", "events", schemaFileName(contract)), "utf8");
			expect(JSON.parse(file)).toEqual(toJsonSchema(contract));
		}
	});
});

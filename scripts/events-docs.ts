/**
 * `npm run events:docs`: writes, for teams outside the platform, a JSON Schema per event type
 * and version (docs/events/<type>.v<version>.json) and the catalog docs/events.md: topic,
 * key, headers, payload and an example of each event.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { contracts } from "../events/index.ts";
import { renderCatalog, schemaFileName, toJsonSchema } from "../platform/contracts/catalog-docs.ts";
import { EventCatalog, type EventContract } from "../platform/contracts/index.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "docs", "events");
const all: EventContract[] = new EventCatalog(contracts).all();

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
for (const contract of all) {
	writeFileSync(join(outDir, schemaFileName(contract)), `${JSON.stringify(toJsonSchema(contract), null, 2)}\n`);
}
writeFileSync(join(root, "docs", "events.md"), renderCatalog(all));
process.stdout.write(`wrote docs/events.md and ${all.length} schemas in docs/events/\n`);

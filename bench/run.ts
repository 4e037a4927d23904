/**
 * `npm run bench`: runs every benchmark with its peer side by side and prints the figures
 * (also written to bench/results/latest.json). Needs the infrastructure up (npm run infra:up).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startupBench } from "./startup.bench.ts";
import { ROOT } from "./support.ts";

const results = [await startupBench()];
for (const result of results) {
	console.log(`\n== ${result.name} ==`);
	console.table(result.rows);
	console.log("ratios:", result.ratios, "targets:", result.targets, "met:", result.met);
}
mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
writeFileSync(join(ROOT, "bench", "results", "latest.json"), `${JSON.stringify({ at: new Date().toISOString(), results }, null, 2)}\n`);

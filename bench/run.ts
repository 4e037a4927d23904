/**
 * `npm run bench`: runs every benchmark with its peer side by side and prints the figures
 * (also written to bench/results/latest.json). Needs the infrastructure up (npm run infra:up).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startupBench } from "./startup.bench.ts";
import { ROOT } from "./support.ts";

const results = [await startupBench()];
// Both nodes of every pair inherit these (the project's .npmrc sets them for npm scripts).
const nodeOptions = process.env.NODE_OPTIONS ?? "";
console.log(`NODE_OPTIONS=${JSON.stringify(nodeOptions)}`);
for (const result of results) {
	console.log(`\n== ${result.name} ==`);
	console.table(result.rows);
	console.log("ratios:", result.ratios, "targets:", result.targets, "met:", result.met);
}
mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
writeFileSync(
	join(ROOT, "bench", "results", "latest.json"),
	`${JSON.stringify({ at: new Date().toISOString(), nodeOptions, results }, null, 2)}\n`,
);

/**
 * `npm run bench`: runs every benchmark with its peer side by side and prints the figures
 * (also written to bench/results/latest.json). Needs the infrastructure up (npm run infra:up).
 * `npm run bench -- append latency` runs only the named ones.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { appendBench } from "./append.bench.ts";
import { embeddedBench } from "./embedded.bench.ts";
import { gatewayBench } from "./gateway.bench.ts";
import { jobsBench } from "./jobs.bench.ts";
import { latencyBench } from "./latency.bench.ts";
import { pipelineBench } from "./pipeline.bench.ts";
import { startupBench } from "./startup.bench.ts";
import { ROOT } from "./support.ts";

type Result = { name: string; rows?: object[]; ratios?: object; targets?: object; met: boolean; error?: string };

// One after the other: each pair shares the machine only with itself. A benchmark that
// fails is recorded as such and the others still run.
const benches = [startupBench, appendBench, pipelineBench, latencyBench, jobsBench, gatewayBench, embeddedBench];
const nameOf = (bench: (typeof benches)[number]) => bench.name.replace(/Bench$/, "");
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !benches.some((bench) => nameOf(bench) === name));
if (unknown.length > 0) throw new Error(`no benchmark ${unknown.join(", ")}; there are ${benches.map(nameOf).join(", ")}`);
const results: Result[] = [];
for (const bench of benches.filter((b) => wanted.length === 0 || wanted.includes(nameOf(b)))) {
	const started = performance.now();
	try {
		results.push(await bench());
	} catch (err) {
		results.push({ name: nameOf(bench), met: false, error: (err as Error).stack ?? String(err) });
		process.exitCode = 1;
	}
	console.log(`${bench.name}: ${Math.round((performance.now() - started) / 1000)} s`);
}
// Both nodes of every pair inherit these (the project's .npmrc sets them for npm scripts).
const nodeOptions = process.env.NODE_OPTIONS ?? "";
console.log(`NODE_OPTIONS=${JSON.stringify(nodeOptions)}`);
for (const result of results) {
	console.log(`\n== ${result.name} ==`);
	if (result.error) console.log(result.error);
	else console.table(result.rows);
	console.log("ratios:", result.ratios, "targets:", result.targets, "met:", result.met);
}
mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
writeFileSync(
	join(ROOT, "bench", "results", "latest.json"),
	`${JSON.stringify({ at: new Date().toISOString(), nodeOptions, results }, null, 2)}\n`,
);

import type { PgBoss } from "pg-boss";
import { noopStarted } from "./nodes/noop-jobs.service.ts";
import { BARE_QUEUE, startBareBoss } from "./peers/bare-boss.ts";
import { startPlatformNode } from "./platform-node.ts";
import { median } from "./support.ts";

const ROUNDS = 3;
const JOBS_PER_ROUND = 2_000;
const CONCURRENCY = 8;
const LATENCY_JOBS = 100;
const LATENCY_INTERVAL_MS = 50;
const TARGET = 0.8;

type Path = {
	name: string;
	/** Enqueues `count` jobs numbered from `first` in one statement (the drain is what is timed). */
	bulk(first: number, count: number): Promise<void>;
	/** Enqueues one job the way a caller would. */
	one(seq: number): Promise<void>;
};

/** Jobs started, per path: sequence number -> performance.now() at the handler's start. */
const starts = new Map<number, number>();

/** How long a round may take before the bench calls the missing jobs lost. */
const ROUND_TIMEOUT_MS = 60_000;

async function allStarted(seqs: number[], since: number): Promise<void> {
	while (!seqs.every((seq) => starts.has(seq))) {
		if (performance.now() - since > ROUND_TIMEOUT_MS) throw new Error(`${seqs.filter((s) => !starts.has(s)).length} jobs never started`);
		await new Promise((r) => setTimeout(r, 2));
	}
}

async function drain(path: Path, first: number): Promise<number> {
	const seqs = Array.from({ length: JOBS_PER_ROUND }, (_, i) => first + i);
	const t0 = performance.now();
	await path.bulk(first, JOBS_PER_ROUND);
	await allStarted(seqs, t0);
	const finished = Math.max(...seqs.map((seq) => starts.get(seq) as number));
	return JOBS_PER_ROUND / ((finished - t0) / 1000);
}

async function latencies(path: Path, first: number): Promise<number[]> {
	const sent = new Map<number, number>();
	for (let i = 0; i < LATENCY_JOBS; i++) {
		sent.set(first + i, performance.now());
		await path.one(first + i);
		await new Promise((r) => setTimeout(r, LATENCY_INTERVAL_MS));
	}
	await allStarted([...sent.keys()], performance.now());
	return [...sent].map(([seq, at]) => (starts.get(seq) as number) - at).sort((a, b) => a - b);
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;

/**
 * No-op jobs through the platform's job layer (JobsMixin: payload check, outcome event per
 * attempt, metrics) beside pg-boss used directly, same database, pool, concurrency and
 * polling, alternating rounds. Throughput: a bulk of 2,000 jobs enqueued at once and drained.
 * Latency: 100 single enqueues 50 ms apart (the platform's through `jobs.enqueue`), from the
 * call to the handler's start. The node is a worker node: its relay is off, as on every node
 * but the one holding the relay lock; publishing the outcome events is the relay's cost,
 * measured by the pipeline bench.
 */
export async function jobsBench() {
	const node = await startPlatformNode("jobs", ["services/jobs/jobs.service.ts", "bench/nodes/noop-jobs.service.ts"], {
		PLATFORM_JOBS__CONCURRENCY: String(CONCURRENCY),
		PLATFORM_LOG__LEVEL: "error",
		PLATFORM_EVENTS__RELAY__ENABLED: "false",
	});
	const settings = node.platform.config.jobs;
	const record = (seq: number) => starts.set(seq, performance.now());
	noopStarted.hook = record;
	let bare: PgBoss | undefined;
	try {
		bare = await startBareBoss(
			node.db.url,
			{ poolMax: settings.poolMax, concurrency: CONCURRENCY, pollIntervalSeconds: settings.pollIntervalSeconds },
			record,
		);
		const queue = node.platform.container.resolve("jobQueue");
		const bareBoss = bare;
		const seqs = (first: number, count: number) => Array.from({ length: count }, (_, i) => ({ data: { seq: first + i } }));
		const paths: Path[] = [
			{
				name: `platform job layer (JobsMixin, concurrency ${CONCURRENCY})`,
				bulk: async (first, count) => void (await queue.boss.insert("benchjobs.noop", seqs(first, count))),
				one: async (seq) => void (await node.broker.call("jobs.enqueue", { job: "benchjobs.noop", payload: { seq } })),
			},
			{
				name: `bare pg-boss (concurrency ${CONCURRENCY})`,
				bulk: async (first, count) => void (await bareBoss.insert(BARE_QUEUE, seqs(first, count))),
				one: async (seq) => void (await bareBoss.send(BARE_QUEUE, { seq })),
			},
		];
		let next = 0;
		const take = (count: number) => {
			const first = next;
			next += count;
			return first;
		};
		for (const path of paths) await drain(path, take(JOBS_PER_ROUND));
		const perSecond: number[][] = paths.map(() => []);
		for (let round = 0; round < ROUNDS; round++) {
			for (const [p, path] of paths.entries()) perSecond[p]?.push(await drain(path, take(JOBS_PER_ROUND)));
		}
		const latency: number[][] = [];
		for (const path of paths) latency.push(await latencies(path, take(LATENCY_JOBS)));
		const rows = paths.map((path, p) => ({
			path: path.name,
			jobsPerSecondMedian: Math.round(median(perSecond[p] ?? [])),
			enqueueToStartP50Ms: +percentile(latency[p] ?? [], 50).toFixed(1),
			enqueueToStartP99Ms: +percentile(latency[p] ?? [], 99).toFixed(1),
		}));
		const ratio = median(perSecond[0] ?? []) / median(perSecond[1] ?? []);
		return {
			name: "jobs",
			rows,
			ratios: { platformVsBareThroughput: +ratio.toFixed(2) },
			targets: { platformVsBareThroughputAtLeast: TARGET },
			met: ratio >= TARGET,
		};
	} finally {
		noopStarted.hook = () => undefined;
		await bare?.stop({ graceful: false, close: true });
		await node.stop();
	}
}

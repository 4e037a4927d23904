import { setTimeout as sleep } from "node:timers/promises";

export type Throughput = { perSecond: number; cpuUsPerOp: number };

/**
 * Closed loop: `concurrency` workers each run `task(worker, i)` back to back until `durationMs`
 * has passed. Returns completions per second and this process's CPU time (user + system) per completion.
 */
export async function closedLoop(
	concurrency: number,
	durationMs: number,
	task: (worker: number, i: number) => Promise<unknown>,
): Promise<Throughput> {
	const started = performance.now();
	const cpu = process.cpuUsage();
	const deadline = started + durationMs;
	let done = 0;
	const worker = async (w: number) => {
		for (let i = 0; performance.now() < deadline; i++) {
			await task(w, i);
			done++;
		}
	};
	await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
	const { user, system } = process.cpuUsage(cpu);
	return { perSecond: done / ((performance.now() - started) / 1000), cpuUsPerOp: (user + system) / done };
}

/**
 * Open loop: fires `fire(i, intendedAt)` at a steady `rate` per second for `durationMs`, never
 * waiting for what it fired. `intendedAt` is when the call was due, so a stalled event loop
 * shows up in latencies instead of hiding them. Returns the wall time the firing took.
 */
export async function openLoop(rate: number, durationMs: number, fire: (i: number, intendedAt: number) => void): Promise<number> {
	const total = Math.round((rate * durationMs) / 1000);
	const interval = 1000 / rate;
	const started = performance.now();
	for (let i = 0; i < total; ) {
		const due = Math.min(total, Math.floor((performance.now() - started) / interval) + 1);
		for (; i < due; i++) fire(i, started + i * interval);
		await sleep(1);
	}
	return performance.now() - started;
}

/** Resolves once `done()` is true, checking every `everyMs`; rejects after `timeoutMs`. */
export async function until(what: string, done: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 5): Promise<void> {
	const deadline = performance.now() + timeoutMs;
	while (!(await done())) {
		if (performance.now() > deadline) throw new Error(`bench: ${what} not reached in ${timeoutMs} ms`);
		await sleep(everyMs);
	}
}

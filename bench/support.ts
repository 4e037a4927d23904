import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const RUNNER = join(ROOT, "node_modules", "moleculer", "bin", "moleculer-runner.mjs");

export type Started = { pid: number; readyMs: number; rssMb: () => number; stop: () => Promise<void> };

/**
 * Spawns a node and measures wall time from spawn to the first 200 from `ready` (a URL, or a
 * probe of another protocol), polled every 5 ms, the way an orchestrator's probe would see it.
 */
export async function spawnUntilReady(
	args: string[],
	env: Record<string, string>,
	ready: string | (() => Promise<boolean>),
): Promise<Started> {
	const probe =
		typeof ready === "string"
			? () =>
					fetch(ready).then(
						(r) => r.status === 200,
						() => false,
					)
			: ready;
	const started = performance.now();
	// In a process group of its own, stopped as a terminal's Ctrl-C would stop it: a launcher
	// such as npm does not pass a lone SIGTERM on to the node it started.
	const child = spawn(process.execPath, args, {
		cwd: ROOT,
		env: { ...process.env, ...env },
		stdio: ["ignore", "ignore", "pipe"],
		detached: true,
	});
	let stderr = "";
	child.stderr.on("data", (c) => (stderr += c));
	const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
	for (;;) {
		if (child.exitCode !== null) throw new Error(`node exited before ready: ${stderr}`);
		if (performance.now() - started > 30_000) throw new Error(`not ready in 30 s: ${stderr}`);
		const ok = await probe();
		if (ok) break;
		await new Promise((r) => setTimeout(r, 5));
	}
	return {
		pid: child.pid as number,
		readyMs: performance.now() - started,
		rssMb: () => largestRssInTree(child.pid as number),
		stop: async () => {
			process.kill(-(child.pid as number), "SIGTERM");
			await exited;
			while (groupAlive(child.pid as number)) await new Promise((r) => setTimeout(r, 10));
		},
	};
}

function groupAlive(groupId: number): boolean {
	try {
		process.kill(-groupId, 0);
		return true;
	} catch {
		return false;
	}
}

/**
 * The resident memory, in MB, of the largest process among `pid` and its descendants: the
 * node itself when `pid` is a launcher such as `npm start` (npm and its shell stay small).
 */
function largestRssInTree(pid: number): number {
	const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").split(" ").filter(Boolean).map(Number);
	return Math.max(rssOf(pid), ...children.map(largestRssInTree));
}

function rssOf(pid: number): number {
	const line = readFileSync(`/proc/${pid}/status`, "utf8")
		.split("\n")
		.find((l) => l.startsWith("VmRSS:"));
	return Number(line?.split(/\s+/)[1]) / 1024;
}

/** Clock ticks per second, the unit of the CPU times in /proc. */
const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }));

/** The CPU time (user and system, every thread) `pid` has used so far, in microseconds. */
export function cpuMicros(pid: number): number {
	const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
	// The command name may hold spaces; the fields after it are fixed (utime and stime are 14 and 15).
	const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
	return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / CLOCK_TICKS;
}

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The value below which `p` percent of `values` fall (nearest rank). */
export function percentile(values: number[], p: number): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

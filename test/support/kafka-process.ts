import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { PROJECT_ROOT } from "./node-process.ts";

const run = promisify(execFile);

/** The pid of the local Kafka broker (a java kafka.Kafka process) and the state folder it runs from. */
function findBroker(): { pid: number; home: string } {
	for (const entry of readdirSync("/proc")) {
		if (!/^\d+$/.test(entry)) continue;
		let args: string[];
		try {
			args = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
		} catch {
			continue;
		}
		const main = args.indexOf("kafka.Kafka");
		if (main >= 0 && args[main + 1]) return { pid: Number(entry), home: dirname(args[main + 1] as string) };
	}
	throw new Error("no local Kafka broker process (java ... kafka.Kafka) found; start it with `npm run infra:up`");
}

/** Kills the broker with SIGKILL, as a crash would, and resolves once it is gone; returns its state folder. */
export async function killKafka(): Promise<string> {
	const { pid, home } = findBroker();
	process.kill(pid, "SIGKILL");
	while (existsPid(pid)) await new Promise((r) => setTimeout(r, 100));
	return home;
}

/** Starts the broker again on the same state folder (infra/kafka.sh waits until it answers). */
export async function restartKafka(home: string): Promise<void> {
	await run("bash", [join(PROJECT_ROOT, "infra", "kafka.sh"), "up"], { env: { ...process.env, KAFKA_HOME_DIR: home }, timeout: 120_000 });
}

function existsPid(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

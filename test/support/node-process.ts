import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./ports.ts";
import { SERVERS } from "./servers.ts";

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const RUNNER = join(PROJECT_ROOT, "node_modules", "moleculer", "bin", "moleculer-runner.mjs");

export type NodeProcess = {
	child: ChildProcess;
	apiPort: number;
	grpcPort: number;
	opsPort: number;
	nodeID: string;
	/** Everything the node wrote so far, stdout and stderr. */
	output(): string;
	/** Resolves with the exit code once the process has ended. */
	exited: Promise<number | null>;
	stop(signal?: NodeJS.Signals): Promise<number | null>;
};

export type NodeOptions = {
	/** Service folders or files, relative to the project root. */
	services?: string[];
	env?: Record<string, string>;
	/** Wait for /readyz to answer 200 (default) or only for the process to start. */
	waitReady?: boolean;
};

/**
 * Nodes of one test share a database; giving them a topic prefix named after it keeps their
 * topics and consumer groups apart from every other test's on the shared Kafka.
 */
function topicPrefixFor(env: Record<string, string>): string {
	const url = env.PLATFORM_POSTGRES__URL;
	return url ? `${new URL(url).pathname.slice(1)}.` : `node-${process.pid}.`;
}

/** Starts a platform node as its own process, the way `moleculer-runner services/` does. */
export async function startNode({ services = ["services"], env = {}, waitReady = true }: NodeOptions = {}): Promise<NodeProcess> {
	const apiPort = await freePort();
	const grpcPort = await freePort();
	const opsPort = await freePort();
	const nodeID = `test-node-${apiPort}`;
	const child = spawn(process.execPath, [RUNNER, "--config", "moleculer.config.ts", "--mask", "**/*.service.ts", ...services], {
		cwd: PROJECT_ROOT,
		env: {
			...process.env,
			PLATFORM_ENV: "test",
			PLATFORM_NODE__ID: nodeID,
			PLATFORM_API__PORT: String(apiPort),
			PLATFORM_GRPC__PORT: String(grpcPort),
			PLATFORM_OPS__PORT: String(opsPort),
			PLATFORM_REDIS__URL: SERVERS.redis,
			PLATFORM_KAFKA__BROKERS: `[${SERVERS.kafka}]`,
			PLATFORM_EVENTS__TOPIC_PREFIX: topicPrefixFor(env),
			...env,
		},
		stdio: ["ignore", "pipe", "pipe"],
	});
	let output = "";
	child.stdout?.on("data", (chunk) => (output += chunk));
	child.stderr?.on("data", (chunk) => (output += chunk));
	const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
	const node: NodeProcess = {
		child,
		apiPort,
		grpcPort,
		opsPort,
		nodeID,
		output: () => output,
		exited,
		stop: async (signal = "SIGTERM") => {
			if (child.exitCode === null && child.signalCode === null) child.kill(signal);
			return exited;
		},
	};
	if (waitReady) await waitUntilReady(node);
	return node;
}

async function waitUntilReady(node: NodeProcess, timeoutMs = 30_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	let ended = false;
	void node.exited.then(() => (ended = true));
	while (Date.now() < deadline) {
		if (ended) throw new Error(`node exited before it was ready:\n${node.output()}`);
		try {
			const res = await fetch(`http://127.0.0.1:${node.opsPort}/readyz`);
			if (res.status === 200) return;
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	await node.stop("SIGKILL");
	throw new Error(`node not ready within ${timeoutMs} ms:\n${node.output()}`);
}

/** Polls `probe` until it returns true or the time is up. */
export async function eventually(probe: () => Promise<boolean>, timeoutMs = 10_000, what = "condition"): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await probe().catch(() => false)) return;
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error(`${what} not reached within ${timeoutMs} ms`);
}

/**
 * `npm run repl`: the Moleculer REPL with the platform's commands, on the platform that runs.
 * Embedded profile: the platform itself, in this process, with the REPL attached (use it in
 * place of `npm start`: one process owns the data folder). Servers profile: a node that joins
 * the cluster over the transporter, with no module of its own, no listener and no relay.
 */
import { spawn } from "node:child_process";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isConfigError, loadConfig } from "../platform/config/index.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const runner = join(root, "node_modules", "moleculer", "bin", "moleculer-runner.mjs");

function runnerArguments(): { args: string[]; env: Record<string, string> } {
	const config = loadConfig({ dir: join(root, "config") });
	const base = ["--config", "moleculer.config.ts", "--repl"];
	if (config.profile === "embedded") return { args: [...base, "--mask", "**/*.service.ts", "services/"], env: {} };
	if (!config.transporter.url) {
		throw new Error("the servers profile needs transporter.url for the REPL to join a running platform (e.g. nats://127.0.0.1:4222)");
	}
	return {
		args: base,
		env: { PLATFORM_NODE__ID: `repl-${hostname()}-${process.pid}`, PLATFORM_OPS__PORT: "0", PLATFORM_EVENTS__RELAY__ENABLED: "false" },
	};
}

try {
	const { args, env } = runnerArguments();
	const child = spawn(process.execPath, [runner, ...args], { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
	child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} catch (err) {
	console.error(isConfigError(err) ? err.message : `npm run repl: ${(err as Error).message}`);
	process.exit(1);
}

import type { ServiceBroker } from "moleculer";
import type { Platform } from "../bootstrap/platform.ts";
import { sleep } from "../retry/index.ts";

/**
 * SIGTERM/SIGINT: readiness turns 503, load balancers get `drainDelayMs` to notice, the HTTP
 * and gRPC listeners stop accepting and answer what they hold, then the broker stops (leaves
 * the registry, waits for actions in flight, runs `stopped` hooks, closes pools).
 * Past `deadlineMs` the process exits non-zero.
 * An uncaught exception is logged and takes the same path, exiting 1.
 */
export function installGracefulShutdown(broker: ServiceBroker, platform: Platform): void {
	const log = platform.logger.child({ mod: "shutdown" });
	let stopping = false;

	const shutdown = async (reason: string, exitCode: number) => {
		if (stopping) {
			log.warn({ reason }, "second stop request; exiting now");
			process.exit(1);
		}
		stopping = true;
		const { drainDelayMs, deadlineMs } = platform.config.shutdown;
		log.info({ reason, drainDelayMs, deadlineMs }, "shutting down");
		platform.readiness.state = "draining";
		const deadline = setTimeout(() => {
			log.error({ deadlineMs }, "shutdown deadline passed; exiting with work unfinished");
			process.exit(1);
		}, deadlineMs);
		await sleep(drainDelayMs);
		for (const { name, drain } of platform.drainers) {
			const started = performance.now();
			await drain();
			log.info({ listener: name, ms: Math.round(performance.now() - started) }, "drained");
		}
		await broker.stop();
		clearTimeout(deadline);
		log.info("stopped cleanly");
		process.exit(exitCode);
	};

	process.on("SIGTERM", () => void shutdown("SIGTERM", 0));
	process.on("SIGINT", () => void shutdown("SIGINT", 0));
	process.on("uncaughtException", (err) => {
		log.fatal({ err }, "uncaught exception");
		void shutdown("uncaughtException", 1);
	});
	process.on("unhandledRejection", (reason) => {
		log.fatal({ err: reason }, "unhandled promise rejection");
		void shutdown("unhandledRejection", 1);
	});
}

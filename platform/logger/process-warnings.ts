import type { Logger } from "pino";

/**
 * Routes Node's process warnings into the structured log instead of bare stderr lines.
 * kafkajs 2.2.4 sets a negative timer on every request under Node 24 (kafkajs issue #1751,
 * unfixed upstream); Node clamps it to 1 ms, so that one warning is logged at debug only.
 */
export function logProcessWarnings(logger: Logger): void {
	process.removeAllListeners("warning");
	process.on("warning", (warning) => {
		const known = warning.name === "TimeoutNegativeWarning" && warning.stack?.includes("kafkajs");
		if (known) logger.debug({ warning: warning.message }, "kafkajs negative timeout (known, harmless)");
		else logger.warn({ err: warning }, `process warning: ${warning.name}`);
	});
}

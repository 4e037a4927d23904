import type { Logger } from "pino";

/** At most one warning per this long; the failures in between go to debug. */
const WARN_EVERY_MS = 60_000;

/**
 * Logs cacher failures without flooding: while Redis is away every query and every projection
 * batch fails over, so the first failure warns and the rest of that minute is logged at debug.
 */
export function cacherFailureLog(logger: Logger, now: () => number = Date.now): (err: unknown) => void {
	let lastWarning = Number.NEGATIVE_INFINITY;
	return (err) => {
		const fields = { err: err instanceof Error ? err.message : String(err) };
		if (now() - lastWarning < WARN_EVERY_MS) return logger.debug(fields, "query cache failed");
		lastWarning = now();
		logger.warn(fields, "query cache failed; queries read their tables until it answers");
	};
}

import type { Logger } from "pino";

/** At most one warning per this long; the failures in between go to debug. */
const WARN_EVERY_MS = 60_000;

/**
 * Logs the failures of something every request touches without flooding: while Redis is away
 * every query, projection batch or rate-limited call fails over, so the first failure warns
 * with `warning` (what happens meanwhile) and the rest of that minute is logged at debug as `failed`.
 */
export function failureLog(
	logger: Logger,
	{ failed, warning }: { failed: string; warning: string },
	now: () => number = Date.now,
): (err: unknown) => void {
	let lastWarning = Number.NEGATIVE_INFINITY;
	return (err) => {
		const fields = { err: err instanceof Error ? err.message : String(err) };
		if (now() - lastWarning < WARN_EVERY_MS) return logger.debug(fields, failed);
		lastWarning = now();
		logger.warn(fields, warning);
	};
}

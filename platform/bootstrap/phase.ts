import type { Logger } from "pino";

/** A start-up phase that failed; the message names the phase before the cause. */
export class BootstrapError extends Error {
	readonly phase: string;
	constructor(phase: string, cause: unknown) {
		super(`bootstrap phase "${phase}" failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
		this.name = "BootstrapError";
		this.phase = phase;
	}
}

export function isBootstrapError(err: unknown): err is BootstrapError {
	return err instanceof BootstrapError;
}

/** Runs one named phase, logging its duration, and wraps any failure in a BootstrapError. */
export async function runPhase<T>(logger: Logger, phase: string, fn: () => Promise<T> | T): Promise<T> {
	const started = performance.now();
	try {
		const result = await fn();
		logger.info({ phase, ms: Math.round(performance.now() - started) }, `bootstrap phase ${phase} done`);
		return result;
	} catch (err) {
		throw isBootstrapError(err) ? err : new BootstrapError(phase, err);
	}
}

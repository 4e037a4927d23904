/** Exponential backoff with full jitter, capped; `attempt` starts at 1. */
export function backoffDelay(attempt: number, baseMs = 100, capMs = 2_000, random = Math.random): number {
	const ceiling = Math.min(capMs, baseMs * 2 ** (attempt - 1));
	return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Retries `attempt` until it succeeds or `timeoutMs` has passed, then throws an error that
 * names what was being reached and the last reason it failed.
 */
export async function retryUntil<T>(what: string, timeoutMs: number, attempt: () => Promise<T>): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (let n = 1; ; n++) {
		try {
			return await attempt();
		} catch (err) {
			const wait = backoffDelay(n);
			if (Date.now() + wait > deadline) {
				throw new Error(`${what} unreachable after ${n} attempt(s) in ${timeoutMs} ms: ${(err as Error).message}`, { cause: err });
			}
			await sleep(wait);
		}
	}
}

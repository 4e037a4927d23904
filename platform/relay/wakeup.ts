import { setTimeout as delay } from "node:timers/promises";

/**
 * What the relay sleeps on between batches: the poll interval, a NOTIFY or a stop, whichever
 * comes first. A wake-up that arrives while the relay is busy is kept, so the next wait
 * returns at once and no notification falls between a short batch and the wait.
 */
export class Wakeup {
	#pending = false;
	#resolve: ((woken: boolean) => void) | undefined;
	#timer: NodeJS.Timeout | undefined;

	wake(): void {
		if (this.#resolve) this.#fire(true);
		else this.#pending = true;
	}

	/** Resolves after `ms` (false) or at the next (or a kept) wake-up (true). */
	wait(ms: number): Promise<boolean> {
		if (this.#pending) {
			this.#pending = false;
			return Promise.resolve(true);
		}
		return new Promise((resolve) => {
			this.#resolve = resolve;
			this.#timer = setTimeout(() => this.#fire(false), ms);
		});
	}

	#fire(woken: boolean): void {
		clearTimeout(this.#timer);
		const resolve = this.#resolve;
		this.#resolve = undefined;
		this.#pending = false;
		resolve?.(woken);
	}
}

/** Sleeps `ms`, or less if `signal` aborts first. */
export async function pause(ms: number, signal: AbortSignal): Promise<void> {
	await delay(ms, undefined, { signal }).catch((err: unknown) => {
		if (!signal.aborted) throw err;
	});
}

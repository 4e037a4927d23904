import { backoffDelay } from "../retry/index.ts";

const RETRY_BASE_MS = 250;
const RETRY_CAP_MS = 10_000;

/**
 * Namespaces whose invalidation could not be written (the cacher failed after a projection
 * committed): each is cleaned whole once the cacher answers again, retried with backoff, so a
 * lost invalidation is served at most until Redis is back instead of until the TTL.
 */
export class OwedCleans {
	/** Namespace -> how often it was owed, so one owed again while its clean runs stays owed. */
	readonly #owed = new Map<string, number>();
	readonly #clean: (namespace: string) => Promise<unknown>;
	readonly #onError: (err: unknown) => void;
	#timer: NodeJS.Timeout | undefined;
	#attempt = 0;

	constructor(clean: (namespace: string) => Promise<unknown>, onError: (err: unknown) => void) {
		this.#clean = clean;
		this.#onError = onError;
	}

	owe(namespace: string): void {
		this.#owed.set(namespace, (this.#owed.get(namespace) ?? 0) + 1);
		this.#schedule();
	}

	/** Gives up what is owed: the node is stopping. */
	stop(): void {
		clearTimeout(this.#timer);
		this.#timer = undefined;
		this.#owed.clear();
	}

	#schedule(): void {
		if (this.#timer) return;
		this.#attempt++;
		this.#timer = setTimeout(() => void this.#pay(), backoffDelay(this.#attempt, RETRY_BASE_MS, RETRY_CAP_MS));
		// A retry still pending must not keep a stopping process alive.
		this.#timer.unref();
	}

	async #pay(): Promise<void> {
		for (const [namespace, times] of [...this.#owed]) {
			try {
				await this.#clean(namespace);
				if (this.#owed.get(namespace) === times) this.#owed.delete(namespace);
			} catch (err) {
				this.#onError(err);
			}
		}
		this.#timer = undefined;
		if (this.#owed.size > 0) this.#schedule();
		else this.#attempt = 0;
	}
}

/** The unary calls a server is handling, so that a drain knows when the last one is answered. */
export class CallsInFlight {
	#count = 0;
	readonly #waiters: (() => void)[] = [];

	get size(): number {
		return this.#count;
	}

	/** Counts the call until `handled` settles. */
	track(handled: Promise<unknown>): void {
		this.#count++;
		void handled.finally(() => {
			if (--this.#count > 0) return;
			for (const wake of this.#waiters.splice(0)) wake();
		});
	}

	/** Resolves once no call is in flight (at once if none is). */
	idle(): Promise<void> {
		if (this.#count === 0) return Promise.resolve();
		return new Promise((resolve) => this.#waiters.push(resolve));
	}
}

type Waiting<T, R> = { item: T; resolve: (result: R) => void; reject: (err: unknown) => void };

/**
 * Group commit: items added while a write is in flight are written together by the next one,
 * so many concurrent callers share few round trips, and a lone caller waits for nothing but
 * its own write. Each caller's promise settles with the write that carried its item: with
 * the write's result at the item's index, or with the write's error.
 */
export class GroupCommit<T, R = void> {
	readonly #write: (items: T[]) => Promise<readonly R[]>;
	#waiting: Waiting<T, R>[] = [];
	#writing = false;
	readonly #gather: (start: () => void) => void;

	/**
	 * `write` returns one result per item, in the items' order. `gather` schedules the first
	 * write after an idle spell: a microtask (callers of the same synchronous run share it), or
	 * setImmediate for callers that arrive a few awaits apart within one task.
	 */
	constructor(write: (items: T[]) => Promise<readonly R[]>, gather: (start: () => void) => void = queueMicrotask) {
		this.#write = write;
		this.#gather = gather;
	}

	add(item: T): Promise<R> {
		return new Promise<R>((resolve, reject) => {
			this.#waiting.push({ item, resolve, reject });
			// After `gather`: callers adding meanwhile share the first write.
			if (!this.#writing) {
				this.#writing = true;
				this.#gather(() => void this.#drain());
			}
		});
	}

	async #drain(): Promise<void> {
		while (this.#waiting.length > 0) {
			const batch = this.#waiting;
			this.#waiting = [];
			try {
				const results = await this.#write(batch.map((w) => w.item));
				batch.forEach((w, i) => {
					w.resolve(results[i] as R);
				});
			} catch (err) {
				for (const w of batch) w.reject(err);
			}
		}
		this.#writing = false;
	}
}

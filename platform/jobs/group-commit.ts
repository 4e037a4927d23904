type Waiting<T> = { item: T; resolve: () => void; reject: (err: unknown) => void };

/**
 * Group commit: items added while a write is in flight are written together by the next one,
 * so many concurrent callers share few round trips, and a lone caller waits for nothing but
 * its own write. Each caller's promise settles with the write that carried its item.
 */
export class GroupCommit<T> {
	readonly #write: (items: T[]) => Promise<void>;
	#waiting: Waiting<T>[] = [];
	#writing = false;

	constructor(write: (items: T[]) => Promise<void>) {
		this.#write = write;
	}

	add(item: T): Promise<void> {
		return new Promise<void>((resolve, reject) => {
			this.#waiting.push({ item, resolve, reject });
			// After the current task: callers adding in the same tick share the first write.
			if (!this.#writing) {
				this.#writing = true;
				queueMicrotask(() => void this.#drain());
			}
		});
	}

	async #drain(): Promise<void> {
		while (this.#waiting.length > 0) {
			const batch = this.#waiting;
			this.#waiting = [];
			try {
				await this.#write(batch.map((w) => w.item));
				for (const w of batch) w.resolve();
			} catch (err) {
				for (const w of batch) w.reject(err);
			}
		}
		this.#writing = false;
	}
}

/** A stream's version a projection has just committed. */
export type StreamVersion = { streamId: string; version: number };

type Listener = (projection: string, applied: readonly StreamVersion[]) => void;

/**
 * "Projection P has committed these streams' versions", inside this process. Read-your-writes
 * waits on it instead of sleeping between reads of the inbox, so a query on the node whose
 * consumer applied the event goes on as soon as the commit is done; the inbox stays the
 * truth (a waiter reads it again when woken), and a projection applied on another node still
 * reaches its waiters through their next read.
 */
export class AppliedSignal {
	readonly #listeners = new Set<Listener>();

	/** Returns the function that removes the listener. */
	subscribe(listener: Listener): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/** Called once the transaction that applied `applied` has committed. */
	applied(projection: string, applied: readonly StreamVersion[]): void {
		if (applied.length === 0) return;
		for (const listener of this.#listeners) listener(projection, applied);
	}

	/** Resolves when `projection` commits `streamId` at `version` or later here, or after `ms`, whichever comes first. */
	wait(projection: string, streamId: string, version: number, ms: number): Promise<void> {
		return new Promise((resolve) => {
			const done = () => {
				clearTimeout(timer);
				unsubscribe();
				resolve();
			};
			const timer = setTimeout(done, ms);
			const unsubscribe = this.subscribe((name, applied) => {
				if (name === projection && applied.some((a) => a.streamId === streamId && a.version >= version)) done();
			});
		});
	}
}

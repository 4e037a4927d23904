import type { AppliedSignal, StreamVersion } from "../platform/projections/index.ts";

type Waiter = { version: number; resolve: (at: number) => void };

/**
 * When each stream version reached a projection: heard from the node's AppliedSignal, which
 * its consumer raises once the transaction that applied the events has committed, when every
 * read sees them. The bench runs the node in its own process, so it
 * listens there rather than polling the inbox, which at 500 reads a second loaded the very
 * process and database being measured.
 */
export class AppliedTracker {
	readonly #projection: string;
	readonly #applied = new Map<string, { version: number; at: number }>();
	readonly #waiters = new Map<string, Waiter[]>();
	readonly #unsubscribe: () => void;

	constructor(signal: AppliedSignal, projection: string) {
		this.#projection = projection;
		this.#unsubscribe = signal.subscribe((name, applied) => {
			if (name === this.#projection) this.#heard(applied, performance.now());
		});
	}

	/** When the projection had applied `version` of `streamId` (performance.now() time); any version at or above serves. */
	appliedAt(streamId: string, version: number): Promise<number> {
		const applied = this.#applied.get(streamId);
		if (applied && applied.version >= version) return Promise.resolve(applied.at);
		return new Promise((resolve) => {
			const waiters = this.#waiters.get(streamId) ?? [];
			waiters.push({ version, resolve });
			this.#waiters.set(streamId, waiters);
		});
	}

	#heard(applied: readonly StreamVersion[], at: number): void {
		for (const { streamId, version } of applied) {
			if ((this.#applied.get(streamId)?.version ?? 0) >= version) continue;
			this.#applied.set(streamId, { version, at });
			const waiters = this.#waiters.get(streamId);
			if (!waiters) continue;
			for (const w of waiters) if (w.version <= version) w.resolve(at);
			const waiting = waiters.filter((w) => w.version > version);
			if (waiting.length > 0) this.#waiters.set(streamId, waiting);
			else this.#waiters.delete(streamId);
		}
	}

	close(): void {
		this.#unsubscribe();
	}
}

import pg from "pg";

/** How often the inbox is read; a latency is late by half of this on average. */
const POLL_MS = 2;

type Applied = { version: number; at: number };
type Waiter = { version: number; resolve: (at: number) => void };

/**
 * When each stream version reached a projection: its inbox (one row per stream, a hundred
 * here) read every POLL_MS on a connection of its own. Polling rather than a NOTIFY trigger,
 * because every NOTIFY serialises its transaction's commit on a cluster-wide lock, which
 * would slow the projection being measured.
 */
export class AppliedTracker {
	readonly #client: pg.Client;
	readonly #projection: string;
	readonly #applied = new Map<string, Applied>();
	readonly #waiters = new Map<string, Waiter[]>();
	#polling: Promise<void> | undefined;
	#stopped = false;

	private constructor(url: string, projection: string) {
		this.#client = new pg.Client({ connectionString: url });
		this.#projection = projection;
	}

	static async start(url: string, projection: string): Promise<AppliedTracker> {
		const tracker = new AppliedTracker(url, projection);
		await tracker.#client.connect();
		tracker.#polling = tracker.#poll();
		return tracker;
	}

	/**
	 * When the projection had applied `version` of `streamId` (performance.now() time). One
	 * inbox row can jump several versions in one batch; any version at or above serves.
	 */
	appliedAt(streamId: string, version: number): Promise<number> {
		const applied = this.#applied.get(streamId);
		if (applied && applied.version >= version) return Promise.resolve(applied.at);
		return new Promise((resolve) => {
			const waiters = this.#waiters.get(streamId) ?? [];
			waiters.push({ version, resolve });
			this.#waiters.set(streamId, waiters);
		});
	}

	async #poll(): Promise<void> {
		while (!this.#stopped) {
			// A row the query sees was committed before the query began: its start bounds the moment.
			const at = performance.now();
			const { rows } = await this.#client.query<{ stream_id: string; version: number }>(
				"SELECT stream_id, version FROM projection_inbox WHERE projection = $1",
				[this.#projection],
			);
			for (const row of rows) this.#reached(row.stream_id, row.version, at);
			await new Promise((resolve) => setTimeout(resolve, POLL_MS));
		}
	}

	#reached(streamId: string, version: number, at: number): void {
		if ((this.#applied.get(streamId)?.version ?? 0) >= version) return;
		this.#applied.set(streamId, { version, at });
		const waiters = this.#waiters.get(streamId);
		if (!waiters) return;
		for (const w of waiters) if (w.version <= version) w.resolve(at);
		const waiting = waiters.filter((w) => w.version > version);
		if (waiting.length > 0) this.#waiters.set(streamId, waiting);
		else this.#waiters.delete(streamId);
	}

	async close(): Promise<void> {
		this.#stopped = true;
		await this.#polling;
		await this.#client.end();
	}
}

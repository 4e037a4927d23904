/** An aggregate's state as of a stream version, and where its last event sits globally. */
export type Snapshot<State> = { state: State; version: number; position: number };

/**
 * The last known state of recently used streams on this node, least recently used first
 * out. A command starts from it and appends with its version; if another node appended
 * meanwhile the append conflicts and the command reloads, so staleness costs a retry, never
 * correctness.
 */
export class AggregateCache {
	readonly #entries = new Map<string, Snapshot<unknown>>();
	readonly #capacity: number;

	constructor(capacity: number) {
		this.#capacity = capacity;
	}

	get<State>(streamId: string): Snapshot<State> | undefined {
		const entry = this.#entries.get(streamId);
		if (!entry) return undefined;
		this.#entries.delete(streamId);
		this.#entries.set(streamId, entry);
		return entry as Snapshot<State>;
	}

	set<State>(streamId: string, snapshot: Snapshot<State>): void {
		if (this.#capacity === 0) return;
		this.#entries.delete(streamId);
		this.#entries.set(streamId, snapshot);
		if (this.#entries.size > this.#capacity) this.#entries.delete(this.#entries.keys().next().value as string);
	}

	forget(streamId: string): void {
		this.#entries.delete(streamId);
	}
}

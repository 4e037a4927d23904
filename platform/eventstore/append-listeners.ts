/**
 * "Events were appended" inside this process, for the embedded profile's event bus: its
 * consumer groups read the store the moment an append returns instead of on their next poll.
 */
export class AppendListeners {
	readonly #listeners = new Set<() => void>();

	/** Returns the function that removes the listener. */
	add(listener: () => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	notify(): void {
		for (const listener of this.#listeners) listener();
	}
}

/**
 * A Map of at most `capacity` entries, for memory a node keeps to save work (verified tokens,
 * roles, cache generations, memoized answers): setting a new key when full drops the oldest
 * entry, and setting a key again makes it the newest.
 */
export class BoundedMap<K, V> extends Map<K, V> {
	readonly #capacity: number;

	constructor(capacity: number) {
		super();
		this.#capacity = capacity;
	}

	override set(key: K, value: V): this {
		this.delete(key);
		if (this.size >= this.#capacity) this.delete(this.keys().next().value as K);
		return super.set(key, value);
	}
}

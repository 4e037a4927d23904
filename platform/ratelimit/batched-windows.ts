import type { RedisWindows, WindowCount, WindowKey } from "./redis-windows.ts";

/** A window to count a call in, with the number of calls it allows. */
export type LimitedWindow = WindowKey & { points: number };

/** How often the calls a node counted on its own are added to Redis. */
export const FLUSH_MS = 100;

/**
 * Of a window's points, how many calls one node may have counted on its own that Redis has
 * not yet added (unsent or on their way). This bounds what the other nodes cannot see: with
 * n nodes a window admits at most (n - 1) x this share beyond its limit. A limit under 20
 * calls gets no share: exact always.
 */
const LOCAL_SHARE = 0.05;

/** Calls are counted locally only while the window's last known count is under this share of its points. */
const LOCAL_CEILING = 0.5;

/** Local counting stops this long before a window ends, so its calls reach Redis before the key expires. */
const END_MARGIN_MS = 2 * FLUSH_MS;

/** Every this many flushes, windows that ended are forgotten (a caller who never comes back). */
const PRUNE_EVERY = 50;

type Known = {
	durationMs: number;
	/** The count Redis last answered. */
	counted: number;
	/** Calls counted here and not yet sent. */
	pending: number;
	/** Calls sent and not yet answered. */
	sending: number;
	/** performance.now() at which the window ends. */
	endsAt: number;
};

/**
 * Fixed windows in Redis, with a round trip only when it can change an answer. A call far
 * below every one of its limits (under half of it, as last known, and within this node's share
 * of it) is counted here and sent with others every FLUSH_MS. Otherwise the call, together
 * with what this node counted meanwhile, goes to Redis at once. So a window is exact near its
 * limit, and a burst spread over the nodes overshoots it by at most the other nodes' shares.
 */
export class BatchedWindows {
	readonly #redis: RedisWindows;
	readonly #known = new Map<string, Known>();
	/** Windows with calls counted here and not yet sent. */
	readonly #dirty = new Set<string>();
	#flushes = 0;
	#timer: NodeJS.Timeout | undefined;
	#flushing: Promise<void> | undefined;

	constructor(redis: RedisWindows) {
		this.#redis = redis;
	}

	/** Counts one call in each window; the windows' counts with it. */
	async count(windows: readonly LimitedWindow[]): Promise<WindowCount[]> {
		const now = performance.now();
		const known = windows.map((w) => this.#known.get(w.key));
		if (known.every((k, i) => k !== undefined && countsHere(k, windows[i] as LimitedWindow, now))) {
			this.#flushLater();
			for (const w of windows) this.#dirty.add(w.key);
			return (known as Known[]).map((k) => {
				k.pending++;
				return { count: k.counted + k.sending + k.pending, msLeft: k.endsAt - now };
			});
		}
		const earlier = known.map((k) => (k ? take(k) : 0));
		try {
			const counted = await this.#redis.add(
				windows.map((w, i) => ({ key: w.key, durationMs: w.durationMs, calls: 1 + (earlier[i] as number) })),
			);
			for (const [i, w] of windows.entries()) this.#learn(w, counted[i] as WindowCount, earlier[i] as number, now);
			return counted;
		} catch (err) {
			for (const w of windows) this.#known.delete(w.key);
			throw err;
		}
	}

	/** Adds the calls counted here to Redis now. */
	async flush(): Promise<void> {
		await this.#flushing;
		const now = performance.now();
		if (++this.#flushes % PRUNE_EVERY === 0) {
			for (const [key, k] of this.#known) if (k.pending === 0 && k.sending === 0 && now >= k.endsAt) this.#known.delete(key);
		}
		const due: [string, Known, number][] = [];
		for (const key of this.#dirty) {
			const k = this.#known.get(key);
			if (k && k.pending > 0) due.push([key, k, take(k)]);
		}
		this.#dirty.clear();
		if (due.length === 0) return;
		this.#flushing = this.#redis
			.add(due.map(([key, k, calls]) => ({ key, durationMs: k.durationMs, calls })))
			.then(
				(counted) => {
					for (const [i, [key, k, calls]] of due.entries())
						this.#learn({ key, durationMs: k.durationMs }, counted[i] as WindowCount, calls, now);
				},
				// Redis is away: these calls are lost, and the next call of each window asks Redis (and falls back when it cannot).
				() => {
					for (const [key] of due) this.#known.delete(key);
				},
			)
			.finally(() => {
				this.#flushing = undefined;
			});
		await this.#flushing;
	}

	/** Stops the timer and sends what is left. */
	async close(): Promise<void> {
		clearInterval(this.#timer);
		this.#timer = undefined;
		await this.flush();
	}

	#flushLater(): void {
		this.#timer ??= setInterval(() => void this.flush(), FLUSH_MS).unref();
	}

	/**
	 * Redis answered `counted` to a request sent at `sentAt` that carried `sent` of the calls
	 * counted here. Answers come in the order of their requests (one connection), so the latest
	 * is the newest count, also when a new window has begun.
	 */
	#learn(window: WindowKey, counted: WindowCount, sent: number, sentAt: number): void {
		const k = this.#known.get(window.key);
		if (!k) {
			this.#known.set(window.key, {
				durationMs: window.durationMs,
				counted: counted.count,
				pending: 0,
				sending: 0,
				endsAt: sentAt + counted.msLeft,
			});
			return;
		}
		k.sending -= sent;
		k.counted = counted.count;
		k.endsAt = sentAt + counted.msLeft;
	}
}

/** Moves a window's pending calls to sending; how many. */
function take(k: Known): number {
	const calls = k.pending;
	k.pending = 0;
	k.sending += calls;
	return calls;
}

function countsHere(k: Known, window: LimitedWindow, now: number): boolean {
	return (
		now < k.endsAt - END_MARGIN_MS &&
		k.pending + k.sending + 1 <= Math.floor(window.points * LOCAL_SHARE) &&
		k.counted + k.sending + k.pending + 1 <= window.points * LOCAL_CEILING
	);
}

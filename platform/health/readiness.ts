import type { Check } from "./checks.ts";

export type ReadinessState = "starting" | "ready" | "draining";
export type CheckResult = { status: "ok" | "fail"; target: string; latencyMs: number; error?: string };
export type ReadinessReport = { status: "ok" | "fail"; state: ReadinessState; checks: Record<string, CheckResult> };

/** Tracks the node's lifecycle and answers whether it can take traffic now. */
export class Readiness {
	#state: ReadinessState = "starting";
	readonly #listeners: ((state: ReadinessState) => void)[] = [];
	readonly #checks: Check[];
	readonly #timeoutMs: number;

	constructor(checks: Check[], timeoutMs = 1_000) {
		this.#checks = checks;
		this.#timeoutMs = timeoutMs;
	}

	get state(): ReadinessState {
		return this.#state;
	}

	set state(state: ReadinessState) {
		this.#state = state;
		for (const listener of this.#listeners) listener(state);
	}

	/** Hears every change of state as it happens (a health service must not wait for its next poll to say it drains). */
	onChange(listener: (state: ReadinessState) => void): void {
		this.#listeners.push(listener);
	}

	/** Runs every check in parallel, each bounded by the timeout. */
	async report(): Promise<ReadinessReport> {
		const results = await Promise.all(this.#checks.map((check) => this.#run(check)));
		const checks = Object.fromEntries(this.#checks.map((c, i) => [c.name, results[i] as CheckResult]));
		const healthy = this.state === "ready" && results.every((r) => r.status === "ok");
		return { status: healthy ? "ok" : "fail", state: this.state, checks };
	}

	async #run(check: Check): Promise<CheckResult> {
		const started = performance.now();
		let timer: NodeJS.Timeout | undefined;
		const timeout = new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(new Error(`no answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
		});
		try {
			await Promise.race([check.probe(), timeout]);
			return { status: "ok", target: check.target, latencyMs: elapsed(started) };
		} catch (err) {
			return { status: "fail", target: check.target, latencyMs: elapsed(started), error: (err as Error).message };
		} finally {
			clearTimeout(timer);
		}
	}
}

function elapsed(started: number): number {
	return Math.round((performance.now() - started) * 10) / 10;
}

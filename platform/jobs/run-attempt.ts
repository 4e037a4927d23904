import type { Job } from "pg-boss";
import type { Logger } from "pino";
import { describeIssues, fieldIssues } from "../errors/index.ts";
import { type JobContext, type JobDefinition, maxAttemptsOf } from "./job-definition.ts";
import type { JobMetrics } from "./job-metrics.ts";
import type { JobOutcomes } from "./job-outcomes.ts";

export type AttemptDeps = {
	outcomes: JobOutcomes;
	metrics: JobMetrics;
	logger: Logger;
	call: (action: string, params: unknown, opts: { meta: Record<string, unknown> }) => Promise<unknown>;
	resolve: JobContext["resolve"];
	/** The attempts the taken job may have in all, as it was enqueued (see JobQueue.attemptsAllowed). */
	attemptsAllowed: (job: Job<unknown>) => Promise<number | undefined>;
};

/**
 * One attempt of a job: check the payload, run the handler until it returns or the attempt's
 * signal aborts (timeout, stop), check the result, then record the outcome. A failure is
 * rethrown so the queue schedules the next attempt; the worker itself goes on either way. A
 * handler that returns after its job stopped being this attempt's is a failed attempt too,
 * recorded here and not rethrown: the queue has already moved the job on.
 */
export async function runAttempt(job: JobDefinition, taken: Job<unknown>, deps: AttemptDeps): Promise<void> {
	const outcome = {
		job: job.name,
		jobId: taken.id,
		attempt: taken.retryCount + 1,
		maxAttempts: maxAttemptsOf(job),
		durationMs: 0,
	};
	// Made on first use: a pino child (with its redaction) costs a few percent of a no-op job's run.
	let attemptLogger: Logger | undefined;
	const logger = () => {
		attemptLogger ??= deps.logger.child({ job: job.name, jobId: taken.id, attempt: outcome.attempt });
		return attemptLogger;
	};
	const started = performance.now();
	const count = (kind: "succeeded" | "failed" | "dead") => {
		deps.metrics.attempts.inc({ job: job.name, outcome: kind });
		deps.metrics.duration.observe({ job: job.name, outcome: kind }, outcome.durationMs / 1000);
	};
	/** Records a failed attempt: its error, its outcome event, its metrics and a log line. */
	const recordFailure = async (err: unknown) => {
		outcome.durationMs = Math.round(performance.now() - started);
		// Whether this was the last attempt is the job's own limit, which outlives a change of the definition's.
		outcome.maxAttempts = (await deps.attemptsAllowed(taken).catch(() => undefined)) ?? outcome.maxAttempts;
		const message = err instanceof Error ? err.message : String(err);
		const dead = outcome.attempt >= outcome.maxAttempts;
		const kind = dead ? ("dead" as const) : ("failed" as const);
		count(kind);
		logger()[dead ? "error" : "warn"](
			{ err, durationMs: outcome.durationMs },
			dead ? "job dead after its last attempt" : "job attempt failed",
		);
		await deps.outcomes
			.failed(outcome, message, kind)
			.catch((recordErr: unknown) => logger().error({ err: recordErr }, "job failure not recorded"));
	};
	let completed: boolean;
	try {
		const payload = job.payload.safeParse(taken.data);
		if (!payload.success) throw new Error(`payload is invalid: ${describeIssues(fieldIssues(payload.error))}`);
		const ctx: JobContext = {
			jobId: taken.id,
			attempt: outcome.attempt,
			maxAttempts: outcome.maxAttempts,
			signal: taken.signal,
			get logger() {
				return logger();
			},
			call: <T>(action: string, params?: unknown) => deps.call(action, params, { meta: { correlationId: taken.id } }) as Promise<T>,
			resolve: deps.resolve,
		};
		const result = await untilAborted(job.handler(payload.data, ctx), taken.signal, () =>
			performance.now() - started >= taken.expireInSeconds * 1000 - ABORT_SLACK_MS
				? `attempt timed out after ${taken.expireInSeconds}s`
				: "attempt aborted: the worker is stopping",
		);
		if (job.result) {
			const checked = job.result.safeParse(result);
			if (!checked.success) throw new Error(`handler returned an invalid result: ${describeIssues(fieldIssues(checked.error))}`);
		}
		outcome.durationMs = Math.round(performance.now() - started);
		completed = await deps.outcomes.succeeded(outcome, taken);
	} catch (err) {
		await recordFailure(err);
		throw err;
	}
	if (completed) {
		count("succeeded");
		return;
	}
	// The job was no longer this attempt's when it finished: another node's monitor failed it for
	// its timeout first, or an operator cancelled it. Nobody else records that attempt; the next runs.
	await recordFailure(new Error("attempt finished after its job had been failed for its timeout or cancelled"));
}

/** Timers fire a little early or late; an abort this close to the timeout is the timeout. */
const ABORT_SLACK_MS = 50;

/**
 * The handler's promise, or a rejection as soon as the signal aborts: a handler that ignores
 * its signal then keeps running on its own, but the worker goes on to the next job.
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal, reason: () => string): Promise<T> {
	if (signal.aborted) return Promise.reject(new Error(reason()));
	return new Promise<T>((resolve, reject) => {
		const onAbort = () => reject(new Error(reason()));
		signal.addEventListener("abort", onAbort, { once: true });
		work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
	});
}

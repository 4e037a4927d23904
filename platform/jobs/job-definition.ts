import type { Logger } from "pino";
import type { z } from "zod";
import type { CoreCradle } from "../container/index.ts";

/** What a job's handler gets besides its payload. */
export type JobContext = {
	jobId: string;
	/** 1 for the first attempt. */
	attempt: number;
	/**
	 * Attempts in all, as the definition declares them. A job enqueued before its maxAttempts
	 * changed keeps the limit it was enqueued with, which decides when it is dead.
	 */
	maxAttempts: number;
	/**
	 * Aborted when the attempt runs past its timeout or the node stops for good. A handler
	 * that ignores it keeps running while the job is tried again elsewhere: pass it on to
	 * every request and query that accepts one.
	 */
	signal: AbortSignal;
	logger: Logger;
	/** Calls an action with the job's id as the correlation id. */
	call<T = unknown>(action: string, params?: unknown): Promise<T>;
	/** The node's container: pg, the event store, the module's providers. */
	resolve<K extends keyof CoreCradle>(name: K): CoreCradle[K];
};

/** Retry delays: `delaySeconds` doubling per attempt, with jitter, never above `maxDelaySeconds`. */
export type Backoff = { delaySeconds: number; maxDelaySeconds: number };

/**
 * A kind of background job, declared by a service next to its actions (`JobsMixin`). Its
 * queue is named after it: `<service>.<job>`, e.g. `webhooks.deliver`.
 */
export type JobDefinition<P extends z.ZodType = z.ZodType> = {
	name: string;
	description: string;
	/** Checked when a job is enqueued (a 422 naming the fields) and again before it runs. */
	payload: P;
	handler(payload: z.output<P>, ctx: JobContext): Promise<unknown>;
	/** When given, a handler's return value must match it, or the attempt fails. */
	result?: z.ZodType;
	/** Attempts in all, the first included; after the last failure the job is dead. Default 5. */
	maxAttempts?: number;
	backoff?: Backoff;
	/** How long one attempt may take before it fails (and its signal aborts). Default 60. */
	timeoutSeconds?: number;
	/** Attempts this node runs at once; `jobs.concurrency` when absent. */
	concurrency?: number;
	/** Standard five-field cron: the job is enqueued on this schedule (in `jobs.timeZone`). */
	cron?: { schedule: string; payload: z.input<P> };
};

export const JOB_DEFAULTS = {
	maxAttempts: 5,
	backoff: { delaySeconds: 1, maxDelaySeconds: 600 },
	timeoutSeconds: 60,
} as const;

/** The attempts a job's definition allows in all, its default included. */
export function maxAttemptsOf(job: Pick<JobDefinition, "maxAttempts">): number {
	return job.maxAttempts ?? JOB_DEFAULTS.maxAttempts;
}

/** Declares a job; the identity function, there for the inferred payload type. */
export function defineJob<P extends z.ZodType>(job: JobDefinition<P>): JobDefinition<P> {
	return job;
}

/** The service a job belongs to: the part of its name before the first dot. */
export function serviceOfJob(name: string): string {
	const dot = name.indexOf(".");
	return dot > 0 ? name.slice(0, dot) : "";
}

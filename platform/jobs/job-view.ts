import type { JobWithMetadata } from "pg-boss";

/** The queue's states in the platform's words: a failed job whose attempts are spent is dead. */
const STATES = {
	created: "queued",
	retry: "retrying",
	active: "running",
	completed: "succeeded",
	failed: "dead",
	cancelled: "cancelled",
} as const;
export type JobState = (typeof STATES)[keyof typeof STATES];
export const JOB_STATES = Object.values(STATES) as [JobState, ...JobState[]];

export type JobView = {
	id: string;
	job: string;
	state: JobState;
	/** Attempts started so far. */
	attempts: number;
	maxAttempts: number;
	payload: unknown;
	createdAt: Date;
	runAt: Date;
	startedAt: Date | null;
	finishedAt: Date | null;
};

export function jobView(job: JobWithMetadata<unknown>): JobView {
	return {
		id: job.id,
		job: job.name,
		state: STATES[job.state],
		// pg-boss counts retries: a job past its first claim has started one attempt more.
		attempts: job.state === "created" ? 0 : job.retryCount + 1,
		maxAttempts: job.retryLimit + 1,
		payload: job.data,
		createdAt: job.createdOn,
		runAt: job.startAfter,
		startedAt: job.startedOn ?? null,
		finishedAt: job.completedOn ?? null,
	};
}

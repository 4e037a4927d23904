import { z } from "zod";
import { defineEvent } from "../../platform/contracts/index.ts";

/** Every outcome names the job (its queue), the job's id and which attempt it was (1 = first). */
const attempt = {
	job: z.string().min(1),
	jobId: z.uuid(),
	attempt: z.number().int().min(1),
	maxAttempts: z.number().int().min(1),
	durationMs: z.number().int().min(0),
};

export const JobSucceeded = defineEvent({
	type: "jobs.JobSucceeded",
	version: 1,
	description: "An attempt of a background job finished without error; the job is done.",
	schema: z.strictObject(attempt),
	example: { job: "webhooks.deliver", jobId: "0b8a8f43-3f47-4f55-9a9f-2d3c2a7a4c11", attempt: 1, maxAttempts: 8, durationMs: 42 },
});

export const JobFailed = defineEvent({
	type: "jobs.JobFailed",
	version: 1,
	description: "An attempt of a background job failed (threw, timed out or returned a wrong result); it will be tried again.",
	schema: z.strictObject({ ...attempt, error: z.string() }),
	example: {
		job: "webhooks.deliver",
		jobId: "0b8a8f43-3f47-4f55-9a9f-2d3c2a7a4c11",
		attempt: 1,
		maxAttempts: 8,
		durationMs: 10_000,
		error: "receiver answered 503",
	},
});

export const JobDead = defineEvent({
	type: "jobs.JobDead",
	version: 1,
	description: "The last attempt of a background job failed; the job is kept with its errors and runs again only when retried.",
	schema: z.strictObject({ ...attempt, error: z.string() }),
	example: {
		job: "webhooks.deliver",
		jobId: "0b8a8f43-3f47-4f55-9a9f-2d3c2a7a4c11",
		attempt: 8,
		maxAttempts: 8,
		durationMs: 120,
		error: "receiver answered 410",
	},
});

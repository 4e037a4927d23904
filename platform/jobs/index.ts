export { checkCron, JobDefinitionError } from "./cron-check.ts";
export { purgeJobFailures } from "./failure-retention.ts";
export { type Backoff, defineJob, JOB_DEFAULTS, type JobContext, type JobDefinition, serviceOfJob } from "./job-definition.ts";
export { createJobMetrics, type JobMetrics } from "./job-metrics.ts";
export { JobOutcomes } from "./job-outcomes.ts";
export { type EnqueueOptions, JobQueue } from "./job-queue.ts";
export { JOB_STATES, type JobState, type JobView, jobView } from "./job-view.ts";
export { nameBasedId } from "./name-based-id.ts";
export { type AttemptDeps, runAttempt } from "./run-attempt.ts";

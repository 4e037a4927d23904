import { type Context, Errors, type ServiceSchema, type ServiceSettingSchema } from "moleculer";
import { z } from "zod";
import { type EnqueueReply, enqueueParams, JobsMixin, type WithJobs } from "../../mixins/jobs.mixin.ts";
import { PlatformMixin, type WithPlatform } from "../../mixins/platform.mixin.ts";
import { ConflictError, NotFoundError } from "../../platform/errors/index.ts";
import { defineJob, JOB_STATES, jobView, purgeJobFailures, serviceOfJob } from "../../platform/jobs/index.ts";
import { checkLag, type LagReport, lagGaugesOf } from "./lag-report.ts";

const jobName = z.string().regex(/^[\w-]+\.[\w./-]+$/, "must be <service>.<job>");
const listParams = z.strictObject({
	job: jobName,
	state: z.enum(JOB_STATES).optional(),
	limit: z.number().int().min(1).max(1_000).default(100),
});
const jobRef = z.strictObject({ job: jobName, id: z.uuid() });

/** Every minute: is the relay or any projection further behind than `jobs.maxLagSeconds`? */
const checkLagJob = defineJob({
	name: "jobs.checkLag",
	description: "Checks the relay and every projection for lag; logs and flags (platform_lag_exceeded) those beyond jobs.maxLagSeconds.",
	payload: z.strictObject({}),
	maxAttempts: 1,
	timeoutSeconds: 30,
	concurrency: 1,
	cron: { schedule: "* * * * *", payload: {} },
	async handler(_payload, ctx) {
		return ctx.call<LagReport>("jobs.lag");
	},
});

/** Hourly: the failed attempts' errors go once the queue no longer keeps their job (jobs.retentionDays). */
const purgeFailuresJob = defineJob({
	name: "jobs.purgeFailures",
	description: "Deletes the errors of failed job attempts older than jobs.retentionDays, hourly.",
	payload: z.strictObject({}),
	cron: { schedule: "23 * * * *", payload: {} },
	maxAttempts: 3,
	concurrency: 1,
	async handler(_payload, ctx) {
		const deleted = await purgeJobFailures(ctx.resolve("pg"), ctx.resolve("config").jobs.retentionDays);
		ctx.logger.info({ deleted }, "old job failures purged");
		return { deleted };
	},
});

/**
 * The job queue as actions: `enqueue` (routed to the service that declares the job, which
 * checks the payload), `list`, `get` (with every failed attempt's error) and `retry` (a dead
 * job), plus `lag`, the report the minutely `jobs.checkLag` job acts on.
 */
export default {
	name: "jobs",
	mixins: [PlatformMixin, JobsMixin([checkLagJob, purgeFailuresJob])],
	actions: {
		enqueue: {
			input: enqueueParams,
			async handler(ctx: Context<z.output<typeof enqueueParams>>): Promise<EnqueueReply> {
				const params = ctx.params;
				const service = serviceOfJob(params.job);
				try {
					return await ctx.call<EnqueueReply, typeof params>(`${service}.enqueueJob`, params);
				} catch (err) {
					if (err instanceof Errors.ServiceNotFoundError)
						throw new NotFoundError(`No service runs jobs named ${params.job}`, { job: params.job });
					throw err;
				}
			},
		},
		list: {
			input: listParams,
			async handler(ctx: Context<z.output<typeof listParams>>) {
				const { job, state, limit } = ctx.params;
				const queue = this.resolve("jobQueue");
				const views = (await queue.find(job, limit)).map(jobView);
				return state ? views.filter((v) => v.state === state) : views;
			},
		},
		get: {
			input: jobRef,
			async handler(ctx: Context<z.output<typeof jobRef>>) {
				const { job, id } = ctx.params;
				const queue = this.resolve("jobQueue");
				const found = await queue.get(job, id);
				if (!found) throw new NotFoundError(`No job ${id} in ${job}`, { job, id });
				const { rows } = await this.resolve("pg").query<{ attempt: number; error: string; duration_ms: number; failed_at: Date }>(
					"SELECT attempt, error, duration_ms, failed_at FROM job_failures WHERE job_id = $1 ORDER BY attempt",
					[id],
				);
				const failures = rows.map((r) => ({ attempt: r.attempt, error: r.error, durationMs: r.duration_ms, failedAt: r.failed_at }));
				return { ...jobView(found), output: found.output ?? null, failures };
			},
		},
		retry: {
			input: jobRef,
			async handler(ctx: Context<z.output<typeof jobRef>>) {
				const { job, id } = ctx.params;
				const queue = this.resolve("jobQueue");
				const retried = await queue.retry(job, id);
				const found = await queue.get(job, id);
				if (retried && found) return jobView(found);
				if (!found) throw new NotFoundError(`No job ${id} in ${job}`, { job, id });
				throw new ConflictError(`Job ${id} is ${jobView(found).state}; only a dead job can be retried`, "JOB_NOT_DEAD", { job, id });
			},
		},
		async lag(): Promise<LagReport> {
			const platform = this.platform();
			return checkLag(
				{
					broker: this.broker,
					pg: this.resolve("pg"),
					gauges: lagGaugesOf(platform.metrics.registry),
					logger: platform.logger.child({ mod: "lag-check" }),
				},
				platform.config.jobs.maxLagSeconds,
			);
		},
	},
} satisfies ServiceSchema<ServiceSettingSchema, WithPlatform & WithJobs>;

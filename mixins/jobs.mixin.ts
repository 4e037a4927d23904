import type { Context, ServiceSchema } from "moleculer";
import type { Job } from "pg-boss";
import { z } from "zod";
import { platformOf } from "../platform/bootstrap/index.ts";
import type { Config } from "../platform/config/index.ts";
import type { CoreCradle } from "../platform/container/index.ts";
import { fieldIssues, NotFoundError, ValidationError } from "../platform/errors/index.ts";
import {
	checkCron,
	type EnqueueOptions,
	type JobDefinition,
	JobDefinitionError,
	runAttempt,
	serviceOfJob,
} from "../platform/jobs/index.ts";
import { PlatformMixin } from "./platform.mixin.ts";

/** What `jobs.enqueue` and `<service>.enqueueJob` take. */
export const enqueueParams = z.strictObject({
	job: z.string().min(1),
	payload: z.unknown(),
	/** ISO time, not before which the job runs. */
	runAt: z.iso.datetime({ offset: true }).optional(),
	delayMs: z.number().int().min(0).optional(),
	priority: z.number().int().optional(),
	key: z.string().min(1).max(200).optional(),
});
export type EnqueueReply = { job: string; id: string };

/** What JobsMixin adds to `this` inside a service. */
export type WithJobs = { enqueueJob(job: string, payload: unknown, options?: EnqueueOptions): Promise<EnqueueReply> };

/**
 * Runs a service's jobs (a list, or a function of the node's config for jobs whose attempts or
 * backoff are settings): declares their queues, works them on this node (`concurrency` at a
 * time), keeps their cron schedules, and enqueues them after checking the payload (the action
 * `<service>.enqueueJob`, which `jobs.enqueue` routes to, and the method `this.enqueueJob`).
 * When the service stops, its workers take no new job and finish the ones in hand.
 */
export function JobsMixin(declared: JobDefinition[] | ((config: Config) => JobDefinition[])): Partial<ServiceSchema> {
	let jobs: JobDefinition[] = [];
	let byName = new Map<string, JobDefinition>();
	const resolve = (broker: Parameters<typeof platformOf>[0]) => platformOf(broker).container.awilix.cradle as CoreCradle;

	return {
		mixins: [PlatformMixin],
		actions: {
			enqueueJob: {
				// Other nodes call it (jobs.enqueue routes here); gateways never publish it.
				visibility: "public",
				input: enqueueParams,
				async handler(ctx: Context<z.output<typeof enqueueParams>>): Promise<EnqueueReply> {
					const { job, payload, runAt, ...options } = ctx.params;
					return (this as unknown as WithJobs).enqueueJob(job, payload, { ...options, ...(runAt ? { runAt: new Date(runAt) } : {}) });
				},
			},
		},
		methods: {
			async enqueueJob(name: string, payload: unknown, options: EnqueueOptions = {}): Promise<EnqueueReply> {
				const job = byName.get(name);
				if (!job) throw new NotFoundError(`No job named ${name}`, { job: name });
				const parsed = job.payload.safeParse(payload);
				if (!parsed.success) throw new ValidationError(fieldIssues(parsed.error, "payload"));
				return { job: name, id: await resolve(this.broker).jobQueue.send(name, parsed.data, options) };
			},
		},
		created() {
			const { jobQueue, config } = resolve(this.broker);
			jobs = typeof declared === "function" ? declared(config) : declared;
			byName = new Map(jobs.map((job) => [job.name, job]));
			for (const job of jobs) {
				if (serviceOfJob(job.name) !== this.name) {
					throw new JobDefinitionError(`job ${job.name} is declared by service ${this.name}; its name must start with "${this.name}."`);
				}
				checkCron(job, (expression) => jobQueue.parseCron(expression));
			}
		},
		async started() {
			const cradle = resolve(this.broker);
			const { jobQueue, config } = cradle;
			const deps = {
				outcomes: cradle.jobOutcomes,
				metrics: cradle.jobMetrics,
				logger: platformOf(this.broker).logger.child({ mod: "jobs", service: this.name }),
				call: (action: string, params: unknown, opts: { meta: Record<string, unknown> }) => this.broker.call(action, params, opts),
				resolve: <K extends keyof CoreCradle>(name: K) => cradle[name],
				attemptsAllowed: (taken: Job<unknown>) => jobQueue.attemptsAllowed(taken.name, taken.id),
			};
			for (const job of jobs) {
				await jobQueue.declare(job);
				await jobQueue.schedule(job.name, job.cron);
				await jobQueue.work(job.name, job.concurrency ?? config.jobs.concurrency, (taken) => runAttempt(job, taken, deps));
			}
		},
		async stopped() {
			const { jobQueue } = resolve(this.broker);
			await Promise.all(jobs.map((job) => jobQueue.stopWorking(job.name)));
		},
	};
}

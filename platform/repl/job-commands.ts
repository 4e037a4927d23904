import type { ServiceBroker } from "moleculer";
import type { JobView } from "../jobs/index.ts";

type Helpers = { table: (rows: unknown[][]) => string };
/** What moleculer-repl passes as the second argument (its typings say string[]; it is this). */
type Params = { job?: string; id?: string; state?: string };
type Inspected = JobView & { output: unknown; failures: { attempt: number; error: string; durationMs: number; failedAt: Date }[] };

/** Dates arrive as strings from another node and as Dates from this one. */
const when = (value: unknown) => (value ? new Date(value as string).toISOString() : "");

/**
 * REPL commands for the job queue (moleculer-repl custom commands) over the `jobs` actions.
 * Queues are named per job, so each command names the job (`<service>.<job>`) as `jobs.*` does.
 */
export const jobCommands = [
	{
		command: "jobs <job> [state]",
		description: "Latest jobs of a queue (optionally only those in a state) as a table",
		async action(broker: ServiceBroker, params: unknown, { table }: Helpers) {
			const { job, state } = params as Params;
			const views = await broker.call<JobView[], object>("jobs.list", { job, ...(state ? { state } : {}) });
			const rows = views.map((v) => [v.id, v.job, v.state, `${v.attempts}/${v.maxAttempts}`, when(v.createdAt), when(v.runAt)]);
			console.log(table([["id", "job", "state", "attempts", "created", "next run"], ...rows]));
		},
	},
	{
		command: "job <job> <id>",
		description: "One job with its payload, output and every failed attempt's error",
		async action(broker: ServiceBroker, params: unknown, { table }: Helpers) {
			const { job, id } = params as Params;
			const found = await broker.call<Inspected, object>("jobs.get", { job, id });
			const { failures, ...view } = found;
			console.log(view);
			// The errors are what an operator opens a job for; a table keeps them one per line.
			if (failures.length > 0)
				console.log(
					table([["attempt", "failed at", "ms", "error"], ...failures.map((f) => [f.attempt, when(f.failedAt), f.durationMs, f.error])]),
				);
		},
	},
	{
		command: "retry-job <job> <id>",
		description: "Run a dead job once more",
		async action(broker: ServiceBroker, params: unknown) {
			const { job, id } = params as Params;
			console.log(await broker.call<JobView, object>("jobs.retry", { job, id }));
		},
	},
];

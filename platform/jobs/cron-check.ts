import type { JobDefinition } from "./job-definition.ts";

/** A job declaration the node cannot run with; it stops the start-up. */
export class JobDefinitionError extends Error {}

/** Five fields, as in crontab: minute, hour, day of month, month, day of week. */
const CRON_FIELDS = 5;

/**
 * Refuses a cron expression that is not standard five-field cron or that the scheduler
 * cannot parse, naming the job and the expression, before anything is scheduled.
 */
export function checkCron(job: JobDefinition, parse: (expression: string) => unknown): void {
	if (!job.cron) return;
	const expression = job.cron.schedule;
	const fields = expression.trim().split(/\s+/).length;
	const problem =
		fields === CRON_FIELDS
			? tryParse(expression, parse)
			: `has ${fields} field${fields === 1 ? "" : "s"}; standard cron has ${CRON_FIELDS} (minute hour day-of-month month day-of-week)`;
	if (problem) throw new JobDefinitionError(`job ${job.name}: invalid cron expression "${expression}": ${problem}`);
}

function tryParse(expression: string, parse: (expression: string) => unknown): string | undefined {
	try {
		parse(expression);
		return undefined;
	} catch (err) {
		return err instanceof Error ? err.message : String(err);
	}
}

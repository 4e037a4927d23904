import type pg from "pg";
import { deleteInBatches } from "../postgres/index.ts";

/**
 * Deletes the failed attempts' errors (job_failures) recorded more than `days` ago, a batch
 * at a time through the failed_at index; the number deleted. The queue keeps a finished job
 * that long (jobs.retentionDays), so its errors go about when the job does.
 */
export function purgeJobFailures(pool: pg.Pool, days: number, batch = 10_000): Promise<number> {
	return deleteInBatches(
		pool,
		`DELETE FROM job_failures WHERE (job_id, attempt) IN (
		   SELECT job_id, attempt FROM job_failures WHERE failed_at < now() - make_interval(days => $1) LIMIT $2)`,
		[days],
		batch,
	);
}

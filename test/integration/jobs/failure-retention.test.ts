import { purgeJobFailures } from "../../../platform/jobs/index.ts";
import { createEventStoreDb, type EventStoreDb } from "../../support/event-store-db.ts";
import { requireServers } from "../../support/servers.ts";

describe("purgeJobFailures", () => {
	let es: EventStoreDb;
	beforeAll(async () => {
		await requireServers("postgres");
		es = await createEventStoreDb();
	});
	afterAll(() => es?.close());

	const record = (jobId: string, attempt: number, daysAgo: number) =>
		es.pool.query(
			`INSERT INTO job_failures (job_id, job, attempt, error, duration_ms, failed_at)
			 VALUES ($1, 'test.job', $2, 'boom', 1, now() - make_interval(days => $3))`,
			[jobId, attempt, daysAgo],
		);

	it("deletes the errors older than the retention, in batches, and keeps the rest", async () => {
		const old = "00000000-0000-4000-8000-000000000001";
		const recent = "00000000-0000-4000-8000-000000000002";
		for (let attempt = 1; attempt <= 5; attempt++) await record(old, attempt, 8);
		await record(recent, 1, 8);
		await record(recent, 2, 6);
		// Batches of 2: three rounds for the six old rows.
		expect(await purgeJobFailures(es.pool, 7, 2)).toBe(6);
		const { rows } = await es.pool.query("SELECT job_id, attempt FROM job_failures ORDER BY job_id, attempt");
		expect(rows).toEqual([{ job_id: recent, attempt: 2 }]);
		expect(await purgeJobFailures(es.pool, 7, 2)).toBe(0);
	});
});

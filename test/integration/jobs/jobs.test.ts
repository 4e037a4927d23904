import type { ServiceBroker } from "moleculer";
import type { Job } from "pg-boss";
import { z } from "zod";
import { platformOf } from "../../../platform/bootstrap/index.ts";
import { defineJob, type JobView, runAttempt } from "../../../platform/jobs/index.ts";
import { startBroker } from "../../support/broker.ts";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { eventually } from "../../support/eventually.ts";
import { createProbeTable, probeRuns } from "../../support/job-probe.ts";
import { requireServers } from "../../support/servers.ts";

type Inspected = JobView & { failures: { attempt: number; error: string }[] };

describe("background jobs", () => {
	let db: TestDatabase;
	let broker: ServiceBroker;
	const startedAt = Date.now();

	const enqueue = (job: string, payload: unknown, options: object = {}) =>
		broker.call<{ id: string; job: string }, object>("jobs.enqueue", { job, payload, ...options });
	const inspect = (job: string, id: string) => broker.call<Inspected, object>("jobs.get", { job, id });
	const settled = (job: string, id: string, state: JobView["state"], timeoutMs = 20_000) =>
		eventually(
			`${job} ${id} ${state}`,
			async () => {
				const view = await inspect(job, id);
				return view.state === state ? view : undefined;
			},
			timeoutMs,
		);
	const outcomes = async (id: string) =>
		(await platformOf(broker).container.resolve("eventStore").readStream(`job-${id}`)).map((e) => [
			e.type,
			(e.data as { attempt: number }).attempt,
		]);

	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka");
		db = await createTestDatabase("jobs");
		await createProbeTable(db.url);
		broker = await startBroker(["services/jobs/jobs.service.ts", "test/fixtures/job-probe/probe.service.ts"], {
			PLATFORM_POSTGRES__URL: db.url,
			PLATFORM_EVENTS__TOPIC_PREFIX: `${db.name}.`,
		});
	});
	afterAll(async () => {
		await broker?.stop();
		await db?.drop();
	});

	it("retries a failing job with growing delays until it succeeds, recording each error", async () => {
		const { id } = await enqueue("probe.flaky", { marker: "flaky-3", failTimes: 2 });
		const done = await settled("probe.flaky", id, "succeeded");
		expect(done).toMatchObject({ attempts: 3, maxAttempts: 4 });
		expect(done.failures.map((f) => [f.attempt, f.error])).toEqual([
			[1, "planned failure 1"],
			[2, "planned failure 2"],
		]);
		const runs = await probeRuns(db.url, "flaky-3");
		expect(runs.map((r) => [r.attempt, r.finished_at !== null])).toEqual([
			[1, false],
			[2, false],
			[3, true],
		]);
		// delaySeconds 1, doubling with jitter: the first retry waits 0.5-1 s, the second 1-2 s.
		const gaps = runs.slice(1).map((r, i) => r.started_at.getTime() - (runs[i] as { started_at: Date }).started_at.getTime());
		expect(gaps[0]).toBeGreaterThanOrEqual(450);
		expect(gaps[1]).toBeGreaterThanOrEqual(950);
		expect(await outcomes(id)).toEqual([
			["jobs.JobFailed", 1],
			["jobs.JobFailed", 2],
			["jobs.JobSucceeded", 3],
		]);
	});

	it("ends dead after the last attempt, keeps its errors and runs again when retried", async () => {
		const { id } = await enqueue("probe.flaky", { marker: "flaky-dead", failTimes: 4 });
		const dead = await settled("probe.flaky", id, "dead");
		expect(dead.failures.map((f) => f.attempt)).toEqual([1, 2, 3, 4]);
		expect((await outcomes(id)).at(-1)).toEqual(["jobs.JobDead", 4]);
		expect(await broker.call("jobs.list", { job: "probe.flaky", state: "dead" })).toEqual(
			expect.arrayContaining([expect.objectContaining({ id, state: "dead" })]),
		);

		await broker.call("jobs.retry", { job: "probe.flaky", id });
		await settled("probe.flaky", id, "succeeded");
		expect((await outcomes(id)).at(-1)).toEqual(["jobs.JobSucceeded", 5]);
		await expect(broker.call("jobs.retry", { job: "probe.flaky", id })).rejects.toMatchObject({ code: 409, type: "JOB_NOT_DEAD" });
		await expect(broker.call("jobs.retry", { job: "probe.flaky", id: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({
			code: 404,
		});
	});

	it("ends a job dead by the limit it was enqueued with, though its definition now allows more", async () => {
		// As a job enqueued before its definition's maxAttempts went from 1 to 4 would be.
		const queue = platformOf(broker).container.resolve("jobQueue");
		const id = (await queue.boss.send("probe.flaky", { marker: "flaky-old-limit", failTimes: 4 }, { retryLimit: 0 })) as string;
		const dead = await settled("probe.flaky", id, "dead");
		expect(dead).toMatchObject({ attempts: 1, maxAttempts: 1 });
		expect(await outcomes(id)).toEqual([["jobs.JobDead", 1]]);
	});

	it("refuses an invalid payload or an unknown job, naming the fields", async () => {
		const bad = enqueue("probe.flaky", { marker: 7, failTimes: -1, extra: true });
		await expect(bad).rejects.toMatchObject({ code: 422, type: "VALIDATION_FAILED" });
		const fields = ((await bad.catch((e) => e)) as { data: { issues: { field: string }[] } }).data.issues.map((i) => i.field).sort();
		expect(fields).toEqual(["payload", "payload.failTimes", "payload.marker"]);
		await expect(enqueue("probe.nothing", {})).rejects.toMatchObject({ code: 404 });
		await expect(enqueue("nosuchservice.job", {})).rejects.toMatchObject({ code: 404 });
		await expect(enqueue("probe.flaky", { marker: "x", failTimes: 0 }, { delayMs: -5 })).rejects.toMatchObject({ code: 422 });
	});

	it("fails an attempt that hangs past its timeout and goes on with the next job", async () => {
		const hung = await enqueue("probe.hang", { marker: "hang-1", hang: true });
		const next = await enqueue("probe.hang", { marker: "hang-2", hang: false });
		// pg-boss fails a timed-out attempt on its own while the worker records the attempt's error,
		// so the job can show dead a moment before its error is there.
		const dead = await eventually(`${hung.id} dead with its error`, async () => {
			const view = await inspect("probe.hang", hung.id);
			return view.state === "dead" && view.failures.length > 0 ? view : undefined;
		});
		expect(dead.failures[0]?.error).toBe("attempt timed out after 1s");
		await settled("probe.hang", next.id, "succeeded");
	});

	it("fails an attempt whose handler returns a wrong result", async () => {
		const garbage = await enqueue("probe.typed", { marker: "typed-bad", returns: { ok: "yes" } });
		const dead = await settled("probe.typed", garbage.id, "dead");
		expect(dead.failures[0]?.error).toMatch(/invalid result: ok/);
		const fine = await enqueue("probe.typed", { marker: "typed-ok", returns: { ok: true } });
		await settled("probe.typed", fine.id, "succeeded");
	});

	it("deduplicates by key and holds a delayed job until its time", async () => {
		const first = await enqueue("probe.flaky", { marker: "keyed", failTimes: 0 }, { key: "once" });
		const second = await enqueue("probe.flaky", { marker: "keyed", failTimes: 0 }, { key: "once" });
		expect(second.id).toBe(first.id);
		await settled("probe.flaky", first.id, "succeeded");
		expect(await probeRuns(db.url, "keyed")).toHaveLength(1);

		const enqueuedAt = Date.now();
		const delayed = await enqueue("probe.flaky", { marker: "delayed", failTimes: 0 }, { delayMs: 1_500 });
		expect((await inspect("probe.flaky", delayed.id)).state).toBe("queued");
		await settled("probe.flaky", delayed.id, "succeeded");
		const [run] = await probeRuns(db.url, "delayed");
		expect((run as { started_at: Date }).started_at.getTime() - enqueuedAt).toBeGreaterThanOrEqual(1_400);
	});

	describe("a success is recorded with the job's completion", () => {
		// A queue no worker works, so the test takes its jobs itself, as a worker would.
		const QUEUE = "probe.manual";
		const take = async (count: number) => {
			const queue = platformOf(broker).container.resolve("jobQueue");
			await queue.boss.createQueue(QUEUE).catch(() => undefined);
			await queue.boss.insert(
				QUEUE,
				Array.from({ length: count }, (_, i) => ({ data: { i } })),
			);
			return await queue.boss.fetch<unknown>(QUEUE, { batchSize: count });
		};
		const succeed = (taken: { id: string; retryCount: number }) =>
			platformOf(broker)
				.container.resolve("jobOutcomes")
				.succeeded({ job: QUEUE, jobId: taken.id, attempt: taken.retryCount + 1, maxAttempts: 1, durationMs: 1 }, taken);
		const stateOf = async (id: string) => (await platformOf(broker).container.resolve("jobQueue").get(QUEUE, id))?.state;

		it("completes concurrent attempts' jobs and records one success each", async () => {
			const taken = await take(5);
			expect(taken).toHaveLength(5);
			expect(await Promise.all(taken.map(succeed))).toEqual([true, true, true, true, true]);
			for (const job of taken) {
				expect(await stateOf(job.id)).toBe("completed");
				expect(await outcomes(job.id)).toEqual([["jobs.JobSucceeded", 1]]);
			}
		});

		it("records nothing for an attempt whose job was failed meanwhile, and leaves the job to its next attempt", async () => {
			const [taken] = await take(1);
			if (!taken) throw new Error("no job taken");
			// What pg-boss does to an attempt that outlived its timeout, while its handler runs on.
			await platformOf(broker).container.resolve("jobQueue").boss.fail(QUEUE, taken.id, { message: "timed out" });
			expect(await succeed(taken)).toBe(false);
			expect(await stateOf(taken.id)).not.toBe("completed");
			expect(await outcomes(taken.id)).toEqual([]);
		});

		it("records an attempt whose job was failed while its handler ran as a failed attempt", async () => {
			const [taken] = await take(1);
			if (!taken) throw new Error("no job taken");
			const cradle = platformOf(broker).container.awilix.cradle;
			const lateJob = defineJob({
				name: QUEUE,
				description: "Returns only after its job was failed under it.",
				payload: z.object({ i: z.number() }),
				maxAttempts: 3,
				async handler() {
					await cradle.jobQueue.boss.fail(QUEUE, taken.id, { message: "timed out on another node" });
				},
			});
			const attempt = runAttempt(lateJob, { ...taken, signal: new AbortController().signal } as Job<unknown>, {
				outcomes: cradle.jobOutcomes,
				metrics: cradle.jobMetrics,
				logger: platformOf(broker).logger,
				call: () => Promise.resolve(undefined),
				resolve: (name) => cradle[name],
				attemptsAllowed: (job) => cradle.jobQueue.attemptsAllowed(QUEUE, job.id),
			});
			await expect(attempt).resolves.toBeUndefined();
			// The queue retries failed jobs at once, so this may be another test's job, taken again.
			expect((await outcomes(taken.id)).at(-1)).toEqual(["jobs.JobFailed", taken.retryCount + 1]);
			expect(await stateOf(taken.id)).not.toBe("completed");
		});
	});

	it("counts attempts and queue depth in the node's metrics and reports lag", async () => {
		const text = await platformOf(broker).metrics.registry.metrics();
		expect(text).toMatch(/platform_job_attempts_total\{[^}]*job="probe.flaky"[^}]*outcome="failed"[^}]*\} [1-9]/);
		expect(text).toMatch(/platform_job_attempts_total\{[^}]*job="probe.flaky"[^}]*outcome="succeeded"[^}]*\} [1-9]/);
		expect(text).toMatch(/platform_job_queue_depth\{[^}]*job="probe.flaky"[^}]*state="queued"/);
		const lag = await broker.call<{ components: { component: string }[]; exceeded: string[] }>("jobs.lag");
		expect(lag.components.map((c) => c.component)).toContain("relay");
		expect(lag.exceeded).toEqual([]);
	});

	it("fires a cron job on its minute", async () => {
		// At start-up pg-boss also sends the occurrence of the minute that has begun; the proof of
		// the schedule is the run of the first whole minute after start-up, soon after it begins.
		const nextMinute = Math.ceil((startedAt + 1) / 60_000) * 60_000;
		const runs = await eventually(
			"the minutely cron job's run after the next minute began",
			async () => {
				const found = (await probeRuns(db.url, "cron")).filter((r) => r.started_at.getTime() >= nextMinute);
				return found.length > 0 ? found : undefined;
			},
			Math.max(5_000, nextMinute + 20_000 - Date.now()),
		);
		const lateMs = (runs[0] as { started_at: Date }).started_at.getTime() - nextMinute;
		// Due schedules are looked for every jobs.cronCheckIntervalSeconds (5 s); workers wake at once.
		expect(lateMs).toBeLessThan(10_000);
	}, 90_000);
});

describe("job declarations", () => {
	it("stops the start when a cron expression is invalid, naming the job and the expression", async () => {
		await expect(startBroker(["test/fixtures/bad-cron/badcron.service.ts"])).rejects.toThrow(
			/job badcron\.nightly: invalid cron expression "61 2 \* \* \*"/,
		);
	});
});

import type pg from "pg";
import { type Job, type JobWithMetadata, PgBoss, type SendOptions } from "pg-boss";
import type { Logger } from "pino";
import type { Config } from "../config/index.ts";
import { JOB_DEFAULTS, type JobDefinition, maxAttemptsOf } from "./job-definition.ts";
import type { QueueDepth } from "./job-metrics.ts";
import { nameBasedId } from "./name-based-id.ts";

/** When a new job may run and how it is told apart from others. */
export type EnqueueOptions = {
	/** Not before this time. */
	runAt?: Date;
	/** Not before this many milliseconds from now (ignored when runAt is given). */
	delayMs?: number;
	/** Higher runs first among the jobs that are due. */
	priority?: number;
	/**
	 * Deduplicates: while a job of this queue enqueued with the same key is kept (queued,
	 * running, or finished within the retention), enqueueing again adds nothing.
	 */
	key?: string;
};

/**
 * Runs one taken job and completes it (`completeWithin`, as JobOutcomes.succeeded does), or
 * throws for pg-boss to fail the attempt. It gets pg-boss's lean row (id, data, attempt count,
 * timeout): the full one costs the worker about a tenth of its throughput, and what else an
 * attempt needs is in its definition, or read by `attemptsAllowed` on the rare failure.
 */
export type JobHandler = (job: Job<unknown>) => Promise<void>;

/** A job as one worker took it: which attempt of it (retryCount) is this worker's. */
export type TakenAttempt = Pick<Job<unknown>, "id" | "retryCount">;

const SECONDS_PER_DAY = 86_400;

/**
 * pg-boss's database on a pool or a caller's client. A statement without parameters may hold
 * several (pg-boss's migrations and locked blocks); pg then answers with a result per
 * statement, which pg-boss unwraps as it does its own driver's.
 */
function databaseOf(db: Pick<pg.ClientBase, "query">) {
	return { executeSql: (text: string, values?: unknown[]) => db.query(text, values) };
}

/**
 * The node's durable job queue: pg-boss on the platform's Postgres, in its own schema. It
 * takes jobs with SKIP LOCKED, wakes workers through LISTEN/NOTIFY, retries with exponential
 * backoff and jitter, fails an attempt that outlives its timeout (also the attempt of a worker
 * that died: its job is taken again once that time has passed) and keeps dead jobs.
 */
export class JobQueue {
	readonly boss: PgBoss;
	readonly #config: Config["jobs"];
	/** The queues this node works (for the depth metric) and their workers' ids. */
	readonly #working = new Map<string, string[]>();
	/** Whether workers hear of new jobs through LISTEN/NOTIFY. */
	readonly #listens: boolean;
	#started: Promise<void> | undefined;

	/**
	 * `embedded`: the embedded profile's pool, which the queue then shares. Its one Postgres
	 * session delivers no notification to a connection that only listens, so workers there are
	 * woken by this node's own enqueues and by the poll.
	 */
	constructor(config: Config, logger: Logger, embedded?: pg.Pool) {
		this.#config = config.jobs;
		this.#listens = embedded === undefined;
		const database = embedded
			? { db: databaseOf(embedded) }
			: { connectionString: config.postgres.url, max: config.jobs.poolMax, application_name: "platform-jobs" };
		this.boss = new PgBoss({
			...database,
			schema: config.jobs.schema,
			useListenNotify: this.#listens,
			monitorIntervalSeconds: config.jobs.monitorIntervalSeconds,
			superviseIntervalSeconds: config.jobs.monitorIntervalSeconds,
			cronMonitorIntervalSeconds: config.jobs.cronCheckIntervalSeconds,
			instanceName: config.node.id,
		});
		// pg-boss reports a lost connection or a failed maintenance pass here and carries on.
		this.boss.on("error", (err: Error) => logger.warn({ err }, "job queue error"));
		this.boss.on("warning", (warning: { message: string; data?: unknown }) => logger.warn({ data: warning.data }, warning.message));
	}

	/**
	 * Installs or migrates the queue's schema and starts its maintenance, once per process;
	 * every operation below waits for it, so callers never have to.
	 */
	start(): Promise<void> {
		this.#started ??= this.boss.start().then(() => undefined);
		return this.#started;
	}

	/** Throws when pg-boss cannot read `expression` as cron in the configured time zone. */
	parseCron(expression: string): void {
		this.boss.previewSchedule(expression, { tz: this.#config.timeZone, count: 1 });
	}

	/** Creates the job's queue, or brings its retry, timeout and retention settings up to date. */
	async declare(job: JobDefinition): Promise<void> {
		await this.start();
		const backoff = job.backoff ?? JOB_DEFAULTS.backoff;
		const settings = {
			retryLimit: maxAttemptsOf(job) - 1,
			retryDelay: backoff.delaySeconds,
			retryBackoff: true,
			retryDelayMax: backoff.maxDelaySeconds,
			expireInSeconds: job.timeoutSeconds ?? JOB_DEFAULTS.timeoutSeconds,
			deleteAfterSeconds: this.#config.retentionDays * SECONDS_PER_DAY,
			notify: true,
		};
		if (await this.boss.getQueue(job.name)) await this.boss.updateQueue(job.name, settings);
		else await this.boss.createQueue(job.name, settings);
	}

	/**
	 * Runs the queue's jobs on this node, `concurrency` at a time: one pg-boss worker per slot,
	 * each taking one job per fetch. A worker that just got a job fetches again at once (there
	 * may be a backlog); one that found none waits for a NOTIFY or the poll. pg-boss's own
	 * burst mode needs batches of several jobs, which would fail together on a timeout.
	 */
	async work(name: string, concurrency: number, handler: JobHandler): Promise<void> {
		await this.start();
		const pollingIntervalSeconds = this.#config.pollIntervalSeconds;
		const workers: string[] = [];
		this.#working.set(name, workers);
		for (let slot = 0; slot < concurrency; slot++) {
			let workerId = "";
			workerId = await this.boss.work(
				name,
				{
					batchSize: 1,
					localConcurrency: 1,
					pollingIntervalSeconds,
					// Retries and delayed jobs send no NOTIFY; they are found by this poll.
					notifyPollingIntervalSeconds: pollingIntervalSeconds,
					// The handler completes its job in the transaction that records the outcome; pg-boss
					// completing it again (patches/pg-boss+12.38.0.patch) cost a quarter of the throughput.
					settledByHandler: true,
				},
				async ([job]: Job<unknown>[]) => {
					if (!job) return;
					try {
						await handler(job);
					} finally {
						this.boss.notifyWorker(workerId);
					}
				},
			);
			workers.push(workerId);
		}
	}

	/** Stops taking the queue's jobs on this node and waits for the ones in hand. */
	async stopWorking(name: string): Promise<void> {
		this.#working.delete(name);
		await this.boss.offWork(name, { wait: true });
	}

	/** Jobs waiting, running and dead in the queues this node works (as of the queue's last count). */
	async depths(): Promise<QueueDepth[]> {
		if (this.#working.size === 0) return [];
		const queues = await this.boss.getQueues([...this.#working.keys()]);
		return queues.map((q) => ({ job: q.name, queued: q.queuedCount, active: q.activeCount, dead: q.failedCount }));
	}

	/** Keeps the job's cron schedule, or removes the one it had when it has none now. */
	async schedule(name: string, cron: { schedule: string; payload: unknown } | undefined): Promise<void> {
		await this.start();
		if (cron) await this.boss.schedule(name, cron.schedule, cron.payload as object, { tz: this.#config.timeZone });
		else await this.boss.unschedule(name);
	}

	/** Enqueues a job; the job's id, or the kept job's id when `key` matched one. */
	async send(name: string, payload: unknown, options: EnqueueOptions = {}): Promise<string> {
		await this.start();
		const send: SendOptions = {};
		if (options.priority !== undefined) send.priority = options.priority;
		if (options.runAt) send.startAfter = options.runAt;
		else if (options.delayMs) send.startAfter = new Date(Date.now() + options.delayMs);
		if (options.key !== undefined) send.id = nameBasedId("job", name, options.key);
		const id = await this.boss.send(name, payload as object, send);
		if (!this.#listens) this.#wake(name);
		return id ?? (send.id as string);
	}

	/**
	 * Enqueues jobs inside the caller's transaction, so they exist exactly when what the
	 * transaction writes does (e.g. a webhook delivery and the job that sends it).
	 */
	async sendWithin(client: Pick<pg.PoolClient, "query">, name: string, payloads: unknown[]): Promise<void> {
		await this.start();
		await this.boss.insert(
			name,
			payloads.map((data) => ({ data: data as object })),
			{ db: databaseOf(client) },
		);
		// Before the caller's commit, the woken worker may find nothing; the poll takes the job then.
		if (!this.#listens) this.#wake(name);
	}

	/**
	 * Completes taken jobs inside the caller's transaction, each only if it is still the attempt
	 * this node took (not failed by its timeout and taken again meanwhile); the ids it completed.
	 */
	async completeWithin(client: Pick<pg.PoolClient, "query">, name: string, taken: readonly TakenAttempt[]): Promise<Set<string>> {
		const response = (await this.boss.complete(name, [...taken], null, { db: databaseOf(client) })) as { settled?: string[] };
		return new Set(response.settled);
	}

	/** Wakes this node's idle workers of a queue, where no NOTIFY would. */
	#wake(name: string): void {
		for (const workerId of this.#working.get(name) ?? []) this.boss.notifyWorker(workerId);
	}

	/**
	 * The attempts a job may have in all, as it was enqueued: pg-boss copies the queue's limit
	 * into each job, so one enqueued before its definition's maxAttempts changed keeps the old one.
	 */
	async attemptsAllowed(name: string, id: string): Promise<number | undefined> {
		const job = await this.get(name, id);
		return job ? job.retryLimit + 1 : undefined;
	}

	async get(name: string, id: string): Promise<JobWithMetadata<unknown> | null> {
		await this.start();
		return await this.boss.getJobById<unknown>(name, id);
	}

	/** The queue's jobs, oldest first. */
	async find(name: string, limit: number): Promise<JobWithMetadata<unknown>[]> {
		await this.start();
		return await this.boss.findJobs<unknown>(name, { limit });
	}

	/** Puts a dead (failed) job back in the queue for one more attempt; false when it is not dead. */
	async retry(name: string, id: string): Promise<boolean> {
		await this.start();
		const response = (await this.boss.retry(name, id)) as { affected: number };
		return response.affected > 0;
	}

	async stop(timeoutMs: number): Promise<void> {
		if (!this.#started) return;
		await this.boss.stop({ graceful: true, close: true, timeout: timeoutMs });
	}
}

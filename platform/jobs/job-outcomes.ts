import type pg from "pg";
import { JobDead, JobFailed, JobSucceeded } from "../../events/jobs/index.ts";
import { GroupCommit } from "../concurrency/group-commit.ts";
import { DuplicateEventError, type EventStore, type StreamEntry } from "../eventstore/index.ts";
import type { JobQueue, TakenAttempt } from "./job-queue.ts";
import { nameBasedId } from "./name-based-id.ts";

export type AttemptOutcome = {
	job: string;
	jobId: string;
	attempt: number;
	maxAttempts: number;
	durationMs: number;
};

const OUTCOMES = { succeeded: JobSucceeded, failed: JobFailed, dead: JobDead } as const;
export type OutcomeKind = keyof typeof OUTCOMES;
type Success = StreamEntry & { taken: TakenAttempt & { name: string } };

/**
 * Records how each attempt ended: as an event in the job's stream (`job-<id>`, published on
 * `jobs.events` by the relay) and, for a failure, as a row of `job_failures`. An attempt's
 * event id is derived from the job, the attempt and the outcome, so recording it again after
 * a crash adds nothing.
 */
export class JobOutcomes {
	readonly #store: EventStore;
	readonly #pg: pg.Pool;
	readonly #queue: JobQueue;
	/**
	 * Successes of concurrent attempts share one transaction; undefined for each when that
	 * transaction failed, so that each goes again alone (one job's conflict is not the others').
	 */
	readonly #successes = new GroupCommit<Success, boolean | undefined>((group) =>
		this.#completeAndRecord(group).catch(() => group.map(() => undefined)),
	);
	/** Failures of concurrent attempts share one append (each still waits for its own). */
	readonly #failures = new GroupCommit<StreamEntry>(async (entries) => {
		await this.#appendAll(entries);
		return [];
	});

	constructor(store: EventStore, pool: pg.Pool, queue: JobQueue) {
		this.#store = store;
		this.#pg = pool;
		this.#queue = queue;
	}

	/**
	 * Completes the job and records its success in one transaction, so that the event exists
	 * exactly when the job is done: a success is never told of a job that is still to run, nor
	 * twice. False when this attempt was no longer the job's (the job was failed for its
	 * timeout, or cancelled, meanwhile): nothing is completed or recorded, and the caller records
	 * the attempt as failed.
	 */
	async succeeded(outcome: AttemptOutcome, taken: TakenAttempt): Promise<boolean> {
		const success = { ...this.#entry("succeeded", outcome), taken: { name: outcome.job, id: taken.id, retryCount: taken.retryCount } };
		return (await this.#successes.add(success)) ?? ((await this.#completeAndRecord([success]))[0] as boolean);
	}

	/** A failed attempt: `dead` when it was the last one. */
	async failed(outcome: AttemptOutcome, error: string, kind: Exclude<OutcomeKind, "succeeded">): Promise<void> {
		await this.#pg.query(
			`INSERT INTO job_failures (job_id, job, attempt, error, duration_ms) VALUES ($1, $2, $3, $4, $5)
			 ON CONFLICT (job_id, attempt) DO NOTHING`,
			[outcome.jobId, outcome.job, outcome.attempt, error, outcome.durationMs],
		);
		await this.#failures.add(this.#entry(kind, { ...outcome, error }));
	}

	#entry(kind: OutcomeKind, data: AttemptOutcome & { error?: string }): StreamEntry {
		const contract = OUTCOMES[kind];
		return {
			streamId: `job-${data.jobId}`,
			event: {
				id: nameBasedId("job-outcome", data.jobId, String(data.attempt), kind),
				type: contract.type,
				schemaVersion: contract.version,
				data,
				metadata: { correlationId: data.jobId },
			},
		};
	}

	/** Completes the group's jobs (one statement per queue) and appends the events of those it completed. */
	async #completeAndRecord(group: Success[]): Promise<boolean[]> {
		return await this.#store.transact(async (tx) => {
			const completed = new Set<string>();
			for (const [name, successes] of Map.groupBy(group, (success) => success.taken.name)) {
				const ids = await this.#queue.completeWithin(
					tx.client,
					name,
					successes.map((success) => success.taken),
				);
				for (const id of ids) completed.add(id);
			}
			await tx.appendToStreams(group.filter((success) => completed.has(success.taken.id)));
			return group.map((success) => completed.has(success.taken.id));
		});
	}

	/**
	 * One statement for the whole group; should it fail (say it collided with a concurrent
	 * append to one of the job streams), each event is appended alone, taking the next version
	 * and skipping one already recorded; a real outage fails there again and is reported.
	 */
	async #appendAll(entries: StreamEntry[]): Promise<void> {
		try {
			await this.#store.appendToStreams(entries);
		} catch {
			for (const { streamId, event } of entries) {
				await this.#store.append(streamId, [event], "any").catch((one: unknown) => {
					if (!(one instanceof DuplicateEventError)) throw one;
				});
			}
		}
	}
}

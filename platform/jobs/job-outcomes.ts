import type pg from "pg";
import { JobDead, JobFailed, JobSucceeded } from "../../events/jobs/index.ts";
import { GroupCommit } from "../concurrency/group-commit.ts";
import { DuplicateEventError, type EventStore, type NewEvent } from "../eventstore/index.ts";
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
type StreamEvent = { streamId: string; event: NewEvent & { id: string } };

/**
 * Records how each attempt ended: as an event in the job's stream (`job-<id>`, published on
 * `jobs.events` by the relay) and, for a failure, as a row of `job_failures`. An attempt's
 * event id is derived from the job, the attempt and the outcome, so recording it again after
 * a crash adds nothing.
 */
export class JobOutcomes {
	readonly #store: EventStore;
	readonly #pg: pg.Pool;
	/** Outcomes of concurrent attempts share one append (each still waits for its own). */
	readonly #appends = new GroupCommit<StreamEvent>(async (entries) => {
		await this.#appendAll(entries);
		return [];
	});

	constructor(store: EventStore, pool: pg.Pool) {
		this.#store = store;
		this.#pg = pool;
	}

	async succeeded(outcome: AttemptOutcome): Promise<void> {
		await this.#append("succeeded", outcome);
	}

	/** A failed attempt: `dead` when it was the last one. */
	async failed(outcome: AttemptOutcome, error: string, kind: Exclude<OutcomeKind, "succeeded">): Promise<void> {
		await this.#pg.query(
			`INSERT INTO job_failures (job_id, job, attempt, error, duration_ms) VALUES ($1, $2, $3, $4, $5)
			 ON CONFLICT (job_id, attempt) DO NOTHING`,
			[outcome.jobId, outcome.job, outcome.attempt, error, outcome.durationMs],
		);
		await this.#append(kind, { ...outcome, error });
	}

	async #append(kind: OutcomeKind, data: AttemptOutcome & { error?: string }): Promise<void> {
		const contract = OUTCOMES[kind];
		await this.#appends.add({
			streamId: `job-${data.jobId}`,
			event: {
				id: nameBasedId("job-outcome", data.jobId, String(data.attempt), kind),
				type: contract.type,
				schemaVersion: contract.version,
				data,
				metadata: { correlationId: data.jobId },
			},
		});
	}

	/**
	 * One statement for the whole group; should it fail (say it collided with a concurrent
	 * append to one of the job streams), each event is appended alone, taking the next version
	 * and skipping one already recorded; a real outage fails there again and is reported.
	 */
	async #appendAll(entries: StreamEvent[]): Promise<void> {
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

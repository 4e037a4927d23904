/** Whether what an event records went as intended. */
export type Outcome = "success" | "failure";

/** What the audit trail records of one event: who did what to which stream, how it ended, in which request. */
export type AuditFacts = {
	eventId: string;
	/** The event's global position in the event store. */
	position: number;
	/** The signed-in user whose call appended the event; null for the platform's own work (jobs, process managers). */
	actor: string | null;
	/** The event type, e.g. ledger.MoneyDeposited. */
	action: string;
	/** The stream the event belongs to. */
	subject: string;
	outcome: Outcome;
	traceId: string | null;
	recordedAt: Date;
};

/** The parts of a stored or consumed event the audit reads. */
export type AuditedEvent = {
	id: string;
	type: string;
	streamId: string;
	position: number;
	recordedAt: Date;
	metadata: { userId?: string; correlationId?: string };
};

/**
 * Events are facts, and those that record something going wrong say so in their name
 * (ledger.TransferFailed, jobs.JobFailed, jobs.JobDead); every other one is a success.
 */
const FAILURE_NAME = /(Failed|Dead)$/;

export function outcomeOf(type: string): Outcome {
	return FAILURE_NAME.test(type) ? "failure" : "success";
}

/**
 * The trace id is the request's id: what the platform's log lines, problem answers and
 * X-Request-ID call the trace id, and what a command carries into its events as the
 * correlation id (kept along a whole chain of commands, so a transfer's steps share it).
 */
export function factsOf(event: AuditedEvent): AuditFacts {
	return {
		eventId: event.id,
		position: event.position,
		actor: event.metadata.userId ?? null,
		action: event.type,
		subject: event.streamId,
		outcome: outcomeOf(event.type),
		traceId: event.metadata.correlationId ?? null,
		recordedAt: event.recordedAt,
	};
}

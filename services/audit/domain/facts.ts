import { traceIdOf } from "../../../platform/tracing/index.ts";

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
	metadata: { userId?: string; correlationId?: string; traceparent?: string };
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
 * The trace id is the W3C trace id of the request that appended the event (from the
 * `traceparent` its command recorded): what the platform's log lines, problem answers and
 * traces call the trace id; a process manager's commands continue the trace of the event they
 * react to, so a transfer's steps share it. Events recorded without one fall back to their
 * correlation id.
 */
export function factsOf(event: AuditedEvent): AuditFacts {
	return {
		eventId: event.id,
		position: event.position,
		actor: event.metadata.userId ?? null,
		action: event.type,
		subject: event.streamId,
		outcome: outcomeOf(event.type),
		traceId: traceIdOf(event.metadata.traceparent) ?? event.metadata.correlationId ?? null,
		recordedAt: event.recordedAt,
	};
}

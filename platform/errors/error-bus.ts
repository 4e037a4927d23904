import type { Logger } from "pino";
import type { Counter } from "prom-client";
import { codeOf, isBusinessError } from "./problem.ts";

/**
 * Moleculer's errors for a deadline that passed: the call timed out, or a nested call was not
 * even made because its parent's time was up.
 */
const DEADLINE_CODES = new Set(["REQUEST_TIMEOUT", "REQUEST_SKIPPED"]);

/** Errors already reported, so one that travels up through nested calls is reported once. */
const reported = new WeakSet<object>();

export type ErrorContext = {
	action?: string;
	route?: string;
	traceId?: string;
	requestId?: string;
	/**
	 * The caller allowed less time than the node's own request timeout (a gRPC deadline). A
	 * timeout is then the caller's deadline passing: still counted as ours (it may be a hang
	 * the caller's deadline cut short), but a warning without a stack, which would only show
	 * Moleculer's timer, and not sent to Sentry, since the caller chose the time.
	 */
	callerDeadline?: boolean;
};

/** Somewhere system errors are sent besides the log (Sentry). */
export type SystemErrorReporter = (err: unknown, context: ErrorContext & { code: string }) => void;

/**
 * Where every error of the node goes, once: a log line (info for the caller's mistakes, error
 * with the stack for ours) with the trace id and where it happened, and a count by kind and
 * code, and system errors to the reporters attached (Sentry when configured). Business errors
 * are expected traffic, so they do not page anyone.
 */
export class ErrorBus {
	readonly #logger: Logger;
	readonly #counter: Counter<"kind" | "code">;
	readonly #reporters: SystemErrorReporter[] = [];

	constructor(logger: Logger, counter: Counter<"kind" | "code">) {
		this.#logger = logger;
		this.#counter = counter;
	}

	/** Sends every system error reported from now on to `reporter` too. */
	attach(reporter: SystemErrorReporter): void {
		this.#reporters.push(reporter);
	}

	report(err: unknown, context: ErrorContext): void {
		if (typeof err === "object" && err !== null) {
			if (reported.has(err)) return;
			reported.add(err);
		}
		const business = isBusinessError(err);
		const code = codeOf(err);
		this.#counter.inc({ kind: business ? "business" : "system", code });
		// The error's message as `reason`: pino writes its own `msg`, and a repeated key loses the line in stores such as Elasticsearch.
		if (business) this.#logger.info({ ...context, code, reason: String((err as { message?: unknown }).message ?? "") }, "request refused");
		else if (context.callerDeadline && DEADLINE_CODES.has(code))
			this.#logger.warn({ ...context, code }, "request ran past the caller's deadline");
		else {
			this.#logger.error({ ...context, code, err }, "request failed");
			for (const reporter of this.#reporters) reporter(err, { ...context, code });
		}
	}
}

import type { Logger } from "pino";
import type { Counter } from "prom-client";
import { codeOf, isBusinessError } from "./problem.ts";

/** Errors already reported, so one that travels up through nested calls is reported once. */
const reported = new WeakSet<object>();

export type ErrorContext = {
	action?: string;
	route?: string;
	traceId?: string;
	requestId?: string;
	/**
	 * The caller allowed less time than the node's own request timeout (a gRPC deadline): a
	 * timeout is then the caller's choice, not our failure, and is counted and logged as theirs.
	 * The request metrics by status still show how often deadlines pass.
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
		const code = codeOf(err);
		const business = isBusinessError(err) || (context.callerDeadline === true && code === "REQUEST_TIMEOUT");
		this.#counter.inc({ kind: business ? "business" : "system", code });
		if (business) this.#logger.info({ ...context, code, msg: String((err as { message?: unknown }).message ?? "") }, "request refused");
		else {
			this.#logger.error({ ...context, code, err }, "request failed");
			for (const reporter of this.#reporters) reporter(err, { ...context, code });
		}
	}
}

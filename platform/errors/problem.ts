import { z } from "zod";
import type { FieldIssue } from "./business-errors.ts";

/**
 * An RFC 9457 problem document as the gateways answer it; the schema is also the OpenAPI
 * document's `Problem`. The descriptions are what that document says of each field.
 */
export const problemSchema = z.object({
	type: z.string().describe("urn:problem:<code>, e.g. urn:problem:insufficient-funds."),
	title: z.string(),
	status: z.number().int(),
	detail: z.string(),
	code: z.string().describe("The error's machine-readable code, e.g. VALIDATION_FAILED, INSUFFICIENT_FUNDS."),
	errors: z
		.array(z.object({ field: z.string(), reason: z.string() }))
		.optional()
		.describe("The fields that failed and why (422)."),
	retryAfterSeconds: z.number().int().optional().describe("When to try again (429); also sent as Retry-After."),
	traceId: z.string().optional().describe("Quote it when reporting the problem: every log line of the request carries it."),
});
export type Problem = z.output<typeof problemSchema>;

/** The fields an error keeps when it crosses the transporter (Moleculer rebuilds it from them). */
type ErrorLike = { name?: string; message?: string; code?: unknown; type?: unknown; data?: unknown };

/** System errors whose messages are written for callers (retry advice); any other 5xx says nothing. */
const SPEAKING_SYSTEM_ERRORS = new Set(["UnavailableError"]);

/** What a 5xx that says nothing is called. */
const SILENT_CODES: Record<number, string> = { 502: "UNAVAILABLE", 503: "UNAVAILABLE", 504: "TIMEOUT" };

const TITLES: Record<number, string> = {
	400: "Bad request",
	401: "Unauthorized",
	403: "Forbidden",
	404: "Not found",
	409: "Conflict",
	413: "Payload too large",
	415: "Unsupported media type",
	422: "Unprocessable content",
	429: "Too many requests",
	500: "Internal error",
	502: "Bad gateway",
	503: "Service unavailable",
	504: "Timed out",
};

/** An error's machine-readable code: its type, else ERROR for a 4xx and INTERNAL_ERROR for anything else. */
export function codeOf(err: unknown): string {
	const e = (err ?? {}) as ErrorLike;
	if (typeof e.type === "string" && e.type) return e.type;
	return statusOf(e) < 500 ? "ERROR" : "INTERNAL_ERROR";
}

/** Whether an error is the caller's to fix (4xx) rather than ours (5xx). */
export function isBusinessError(err: unknown): boolean {
	const status = statusOf(err as ErrorLike);
	return status >= 400 && status < 500;
}

/**
 * The problem document for an error, by its status (`code`), type and data only, so that an
 * error rebuilt on another node maps the same. A 4xx keeps its message and, for validation,
 * its fields; a 5xx keeps neither (no stack, SQL or internals reach a client) unless it is
 * one whose message is meant for callers.
 */
export function problemOf(err: unknown, traceId?: string): Problem {
	const e = (err ?? {}) as ErrorLike;
	const status = statusOf(e);
	const code = codeOf(e);
	const speaks = status < 500 || SPEAKING_SYSTEM_ERRORS.has(e.name ?? "");
	const problem: Problem = {
		type: `urn:problem:${code.toLowerCase().replaceAll("_", "-")}`,
		title: TITLES[status] ?? (status >= 500 ? "Internal error" : "Request failed"),
		status,
		detail: speaks && e.message ? e.message : "The request failed on our side; quote the trace id when reporting it.",
		code: speaks ? code : (SILENT_CODES[status] ?? "INTERNAL_ERROR"),
	};
	const errors = fieldsOf(e);
	if (status === 422 && errors) problem.errors = errors;
	const retryAfter = (e.data as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
	if (status === 429 && typeof retryAfter === "number" && retryAfter > 0) problem.retryAfterSeconds = Math.ceil(retryAfter);
	if (traceId) problem.traceId = traceId;
	return problem;
}

function statusOf(e: ErrorLike): number {
	return typeof e.code === "number" && Number.isInteger(e.code) && e.code >= 400 && e.code <= 599 ? e.code : 500;
}

/** The platform's ValidationError carries { issues }; Moleculer's parameter validator an array of { field, message }. */
function fieldsOf(e: ErrorLike): FieldIssue[] | undefined {
	const data = e.data as { issues?: FieldIssue[] } | { field?: string; message?: string }[] | undefined;
	if (Array.isArray(data)) return data.map((d) => ({ field: String(d.field ?? ""), reason: String(d.message ?? "is invalid") }));
	return data?.issues;
}

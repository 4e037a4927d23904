import { Metadata, status } from "@grpc/grpc-js";
import { problemOf } from "../errors/index.ts";

/** How a failed call answers over gRPC: a status code, a message for people, and trailers for programs. */
export type GrpcFailure = { code: status; details: string; metadata: Metadata };

/** Moleculer's errors for an action no node serves right now: the caller may retry, as with a 503. */
const UNAVAILABLE_TYPES = new Set(["SERVICE_NOT_FOUND", "SERVICE_NOT_AVAILABLE"]);

/**
 * The gRPC status of an error, from the same problem document REST answers with: 401
 * UNAUTHENTICATED, 403 PERMISSION_DENIED, 404 NOT_FOUND, 409 ABORTED, 422 INVALID_ARGUMENT
 * when fields failed validation and FAILED_PRECONDITION when a rule refused the command, 429
 * RESOURCE_EXHAUSTED, 502 and 503 UNAVAILABLE (the caller may retry: Moleculer's 502 is its
 * transporter disconnected), 504 DEADLINE_EXCEEDED, any other 5xx INTERNAL. The
 * message is the problem's detail (which says nothing of a system error's insides); the
 * trailers carry its code, the trace id, the fields of a 422 and Retry-After of a 429.
 */
export function grpcFailureOf(err: unknown, traceId: string | undefined): GrpcFailure {
	const problem = problemOf(err, traceId);
	const metadata = new Metadata();
	metadata.set("error-code", problem.code);
	if (traceId) metadata.set("trace-id", traceId);
	if (problem.retryAfterSeconds) metadata.set("retry-after", String(problem.retryAfterSeconds));
	if (problem.errors) metadata.set("field-violations", JSON.stringify(problem.errors));
	return { code: codeOf(problem.status, problem.code), details: problem.detail, metadata };
}

function codeOf(httpStatus: number, code: string): status {
	if (UNAVAILABLE_TYPES.has(code)) return status.UNAVAILABLE;
	switch (httpStatus) {
		case 400:
			return status.INVALID_ARGUMENT;
		case 401:
			return status.UNAUTHENTICATED;
		case 403:
			return status.PERMISSION_DENIED;
		case 404:
			return status.NOT_FOUND;
		case 409:
			return status.ABORTED;
		case 413:
		case 429:
			return status.RESOURCE_EXHAUSTED;
		case 422:
			return code === "VALIDATION_FAILED" ? status.INVALID_ARGUMENT : status.FAILED_PRECONDITION;
		case 502:
		case 503:
			return status.UNAVAILABLE;
		case 504:
			return status.DEADLINE_EXCEEDED;
		default:
			return httpStatus < 500 ? status.FAILED_PRECONDITION : status.INTERNAL;
	}
}

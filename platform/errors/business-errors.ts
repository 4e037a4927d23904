import { Errors } from "moleculer";

/** A field that failed validation and why, as the caller sent it. */
export type FieldIssue = { field: string; reason: string };

/** Issues as one line: `amount must be positive; currency is required`. */
export function describeIssues(issues: FieldIssue[]): string {
	return issues.map((i) => `${i.field} ${i.reason}`).join("; ");
}

/**
 * An error the caller caused and can act on: bad input, a broken business rule, a conflict.
 * Built on MoleculerClientError so it keeps its code and type across the transporter and
 * moleculer-web answers with `code` as the HTTP status.
 */
export class BusinessError extends Errors.MoleculerClientError {
	constructor(message: string, status: number, type: string, data?: unknown) {
		super(message, status, type, data);
		this.name = new.target.name;
	}
}

/** 422: the request is well-formed but its fields are not acceptable. */
export class ValidationError extends BusinessError {
	constructor(issues: FieldIssue[]) {
		super(`Invalid request: ${describeIssues(issues)}`, 422, "VALIDATION_FAILED", { issues });
	}
}

/** 422: the command is valid but the domain refuses it (insufficient funds, closed account). */
export class RuleViolationError extends BusinessError {
	constructor(message: string, type: string, data?: unknown) {
		super(message, 422, type, data);
	}
}

/** 409: the state the caller acted on has changed, or the thing already exists. */
export class ConflictError extends BusinessError {
	constructor(message: string, type = "CONFLICT", data?: unknown) {
		super(message, 409, type, data);
	}
}

/** 404. */
export class NotFoundError extends BusinessError {
	constructor(message: string, data?: unknown) {
		super(message, 404, "NOT_FOUND", data);
	}
}

/** 401: no valid credentials (a bad password, a missing, expired or revoked token). */
export class UnauthenticatedError extends BusinessError {
	constructor(message: string, type = "UNAUTHENTICATED", data?: unknown) {
		super(message, 401, type, data);
	}
}

/** 429: too many requests; `retryAfterSeconds` says when to come back. */
export class TooManyRequestsError extends BusinessError {
	constructor(message: string, retryAfterSeconds: number, type = "TOO_MANY_REQUESTS") {
		super(message, 429, type, { retryAfterSeconds });
	}
}

/** 415: the request's body is of a type the route does not read. */
export class UnsupportedMediaTypeError extends BusinessError {
	constructor(message: string, data?: unknown) {
		super(message, 415, "UNSUPPORTED_MEDIA_TYPE", data);
	}
}

/** 403: the caller is known but may not do this. */
export class ForbiddenError extends BusinessError {
	constructor(message: string, type = "FORBIDDEN", data?: unknown) {
		super(message, 403, type, data);
	}
}

export {
	BusinessError,
	ConflictError,
	describeIssues,
	type FieldIssue,
	ForbiddenError,
	NotFoundError,
	RuleViolationError,
	TooManyRequestsError,
	UnauthenticatedError,
	UnsupportedMediaTypeError,
	ValidationError,
} from "./business-errors.ts";
export { type DeadlineMeta, ErrorBusMiddleware } from "./error-bus.middleware.ts";
export { ErrorBus, type ErrorContext, type SystemErrorReporter } from "./error-bus.ts";
export { codeOf, isBusinessError, type Problem, problemOf, problemSchema } from "./problem.ts";
export { type Sentry, startSentry } from "./sentry.ts";
export { SystemError, UnavailableError } from "./system-errors.ts";
export { fieldIssues, parseInput } from "./zod-issues.ts";

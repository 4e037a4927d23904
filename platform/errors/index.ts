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
	ValidationError,
} from "./business-errors.ts";
export { ErrorBusMiddleware } from "./error-bus.middleware.ts";
export { ErrorBus, type ErrorContext } from "./error-bus.ts";
export { codeOf, isBusinessError, type Problem, problemOf } from "./problem.ts";
export { SystemError, UnavailableError } from "./system-errors.ts";
export { fieldIssues, parseInput } from "./zod-issues.ts";

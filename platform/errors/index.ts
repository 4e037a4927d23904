export { BusinessError, ConflictError, type FieldIssue, NotFoundError, RuleViolationError, ValidationError } from "./business-errors.ts";
export { SystemError, UnavailableError } from "./system-errors.ts";
export { fieldIssues, parseInput } from "./zod-issues.ts";

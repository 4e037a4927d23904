export { createRootLogger } from "./create.ts";
export { failureLog } from "./failure-log.ts";
export { moleculerLoggerOptions } from "./moleculer-adapter.ts";
export { logProcessWarnings } from "./process-warnings.ts";
export { REDACTED_PATHS } from "./redaction.ts";

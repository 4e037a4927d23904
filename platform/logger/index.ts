export { createRootLogger } from "./create.ts";
export { failureLog } from "./failure-log.ts";
export { moleculerLoggerOptions } from "./moleculer-adapter.ts";
export { logProcessWarnings } from "./process-warnings.ts";
export { REDACTION, redactSecrets } from "./redaction.ts";

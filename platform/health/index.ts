export { type Check, kafkaCheck, postgresCheck, redactUrl, redisCheck, serverChecks, transporterCheck } from "./checks.ts";
export { OpsServer } from "./ops-server.ts";
export { Readiness, type ReadinessReport, type ReadinessState } from "./readiness.ts";

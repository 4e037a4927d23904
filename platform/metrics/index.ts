export { ActionMetricsMiddleware } from "./action-metrics.middleware.ts";
export { createMetrics, type PlatformMetrics } from "./registry.ts";

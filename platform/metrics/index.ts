export { ActionMetricsMiddleware } from "./action-metrics.middleware.ts";
export { perRegistry } from "./per-registry.ts";
export { createMetrics, type PlatformMetrics } from "./registry.ts";

export { brokerOptions, type NodeOptions } from "./broker-options.ts";
export { BootstrapError, isBootstrapError, runPhase } from "./phase.ts";
export { PlatformMiddleware } from "./platform.middleware.ts";
export { type Platform, platformOf } from "./platform.ts";

export { type CoreCradle, PlatformContainer } from "./container.ts";
export type { Clock } from "./core-services.ts";

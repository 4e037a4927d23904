export { installGracefulShutdown } from "./graceful-shutdown.ts";

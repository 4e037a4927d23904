export { backoffDelay, retryUntil, sleep } from "./backoff.ts";

export { backoffDelay, retryUntil, sleep } from "./backoff.ts";
export { settledWithin } from "./within.ts";

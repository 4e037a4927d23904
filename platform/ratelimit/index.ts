export { rateLimitHeaders } from "./headers.ts";
export { RateLimitMiddleware, type ResponseHeadersMeta } from "./rate-limit.middleware.ts";
export { type ActionRateLimit, type Allowance, type Caller, type Limit, RateLimits, type Verdict } from "./rate-limits.ts";

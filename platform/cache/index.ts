export { ActionCacheGuardMiddleware } from "./action-cache-guard.middleware.ts";
export { createCacher, createNearCache, type NodeCacher } from "./cacher.ts";
export { QueryCache } from "./query-cache.ts";
export type { CacherApi } from "./read-through.ts";

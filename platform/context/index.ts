export { RequestContextMiddleware } from "./request-context.middleware.ts";
export { currentRequestContext, type RequestContext, runInRequestContext } from "./request-context.ts";

export { consumeSpan } from "./event-spans.ts";
export { produceSpan } from "./produce-span.ts";
export { finishHttpSpan, startHttpSpan, startRpcSpan, traceresponseOf } from "./server-spans.ts";
export { spansExported, startTracing, type Tracing } from "./start-tracing.ts";
export { TracedPgClient } from "./traced-pg-client.ts";
export { activeTraceId, activeTraceparent, contextFrom, endFailed, inSpan, traceIdOf, tracer } from "./tracer.ts";
export { TracingMiddleware } from "./tracing.middleware.ts";

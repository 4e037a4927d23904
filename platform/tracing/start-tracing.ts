import { context, type ProxyTracerProvider, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { AlwaysOffSampler, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider } from "@opentelemetry/sdk-trace";
import type { Logger } from "pino";
import type { Config } from "../config/index.ts";

/** The process's tracing: `flush` sends the spans still buffered (a stopping node calls it). */
export type Tracing = { flush(): Promise<void> };

/** Tracing is the process's, not a broker's: the first node of a process starts it, the others share it. */
let started: Promise<Tracing> | undefined;
let exporting = false;

/**
 * Whether spans can leave the process at all. Without an endpoint a span on a hot path (one
 * per event the relay sends or a consumer applies) is work for nothing; those paths ask first.
 */
export function spansExported(): boolean {
	return exporting;
}

/**
 * Starts OpenTelemetry for the process. With `tracing.endpoint`, the NodeSDK records a share
 * of traces and exports them over OTLP/HTTP (loaded only then: it is large). Without it, a
 * tracer provider that records nothing still hands out W3C trace ids and continues the ones
 * callers send, so logs and errors carry the id a caller's own tracing knows.
 */
export function startTracing(config: Config["tracing"], nodeID: string, logger: Logger): Promise<Tracing> {
	started ??= config.endpoint ? startExporting(config, config.endpoint, nodeID, logger) : Promise.resolve(startIdsOnly());
	return started;
}

function startIdsOnly(): Tracing {
	const provider = new TracerProvider({ sampler: new AlwaysOffSampler() });
	trace.setGlobalTracerProvider(provider);
	context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
	propagation.setGlobalPropagator(new W3CTraceContextPropagator());
	return { flush: () => provider.forceFlush() };
}

async function startExporting(config: Config["tracing"], endpoint: string, nodeID: string, logger: Logger): Promise<Tracing> {
	const [{ NodeSDK }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
		import("@opentelemetry/sdk-node"),
		import("@opentelemetry/exporter-trace-otlp-http"),
		import("@opentelemetry/resources"),
	]);
	const sdk = new NodeSDK({
		resource: resourceFromAttributes({ "service.name": config.serviceName, "service.instance.id": nodeID }),
		autoDetectResources: false,
		traceExporter: new OTLPTraceExporter({ url: endpoint }),
		sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampleRatio) }),
		// Spans come from the platform's own seams (gateways, actions, the pg client class, Kafka), not from patched modules.
		instrumentations: [],
	});
	sdk.start();
	exporting = true;
	const provider = (trace.getTracerProvider() as ProxyTracerProvider).getDelegate() as TracerProvider;
	logger.info({ endpoint, sampleRatio: config.sampleRatio }, "tracing exports to OTLP");
	return { flush: () => provider.forceFlush() };
}

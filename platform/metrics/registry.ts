import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

/** Histogram buckets in seconds, from a cache hit to a slow downstream call. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The node's metrics: process ones plus those the platform's own parts record. */
export function createMetrics(nodeID: string) {
	const registry = new Registry();
	registry.setDefaultLabels({ node: nodeID });
	collectDefaultMetrics({ register: registry });
	// Gauges named *_total break the exposition conventions (promtool rejects them); the
	// same counts stay available per type in nodejs_active_handles and friends.
	for (const name of ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"]) {
		registry.removeSingleMetric(name);
	}
	return {
		registry,
		actionCalls: new Counter({
			name: "platform_action_calls_total",
			help: "Action calls handled on this node, by action and outcome.",
			labelNames: ["action", "outcome"] as const,
			registers: [registry],
		}),
		actionDuration: new Histogram({
			name: "platform_action_duration_seconds",
			help: "Action handling time on this node, by action and outcome.",
			labelNames: ["action", "outcome"] as const,
			buckets: LATENCY_BUCKETS,
			registers: [registry],
		}),
		errors: new Counter({
			name: "platform_errors_total",
			help: "Errors reported on this node, by kind (business: the caller's, system: ours) and code.",
			labelNames: ["kind", "code"] as const,
			registers: [registry],
		}),
		httpRequests: new Counter({
			name: "platform_http_requests_total",
			help: "HTTP requests answered, by route, method and status.",
			labelNames: ["route", "method", "status"] as const,
			registers: [registry],
		}),
		httpDuration: new Histogram({
			name: "platform_http_request_duration_seconds",
			help: "HTTP request time from arrival to the last byte, by route, method and status.",
			labelNames: ["route", "method", "status"] as const,
			buckets: LATENCY_BUCKETS,
			registers: [registry],
		}),
		grpcRequests: new Counter({
			name: "platform_grpc_requests_total",
			help: "gRPC calls answered, by method and status code.",
			labelNames: ["method", "code"] as const,
			registers: [registry],
		}),
		grpcDuration: new Histogram({
			name: "platform_grpc_request_duration_seconds",
			help: "gRPC call time from arrival to the answer, by method and status code.",
			labelNames: ["method", "code"] as const,
			buckets: LATENCY_BUCKETS,
			registers: [registry],
		}),
	};
}

export type PlatformMetrics = ReturnType<typeof createMetrics>;

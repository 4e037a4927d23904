import { Counter, Gauge, type Registry } from "prom-client";

function create(registry: Registry) {
	return {
		lag: new Gauge({
			name: "platform_consumer_lag_messages",
			help: "Records behind the end of the partition, per consumer group, topic and partition.",
			labelNames: ["group", "topic", "partition"] as const,
			registers: [registry],
		}),
		events: new Counter({
			name: "platform_consumer_events_total",
			help: "Events handled by consumer groups, by outcome: applied, retried, dead_lettered, unknown_type.",
			labelNames: ["group", "outcome"] as const,
			registers: [registry],
		}),
	};
}

export type ConsumerMetrics = ReturnType<typeof create>;

const byRegistry = new WeakMap<Registry, ConsumerMetrics>();

/** The consumer metrics of a node's registry, created on first use. */
export function consumerMetricsOf(registry: Registry): ConsumerMetrics {
	let metrics = byRegistry.get(registry);
	if (!metrics) {
		metrics = create(registry);
		byRegistry.set(registry, metrics);
	}
	return metrics;
}

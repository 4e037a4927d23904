import { Counter, Gauge, type Registry } from "prom-client";
import { perRegistry } from "../metrics/index.ts";

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

/** The consumer metrics of a node's registry, created on first use. */
export const consumerMetricsOf = perRegistry(create);

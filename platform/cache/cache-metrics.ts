import { Counter, type Registry } from "prom-client";
import { perRegistry } from "../metrics/index.ts";

function create(registry: Registry) {
	return {
		requests: new Counter({
			name: "platform_cache_requests_total",
			help: "Cached queries, by query (cache) and outcome: hit, miss, error (the cacher failed; answered from the tables).",
			labelNames: ["cache", "outcome"] as const,
			registers: [registry],
		}),
	};
}

/** The query cache's metrics of a node's registry, created on first use. */
export const cacheMetricsOf = perRegistry(create);

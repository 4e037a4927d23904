import { ServiceBroker } from "moleculer";
import pino from "pino";
import { Registry } from "prom-client";
import { type CacherApi, QueryCache } from "../../../platform/cache/index.ts";

/** The requests counted under `outcome` in `registry`. */
export async function requests(registry: Registry, outcome: string): Promise<number> {
	const metric = await registry.getSingleMetric("platform_cache_requests_total")?.get();
	return metric?.values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
}

/** A QueryCache over `cacher`, with a registry of its own and a silent logger unless one is given. */
export function queryCacheOver(cacher: CacherApi, logger = pino({ level: "silent" })) {
	const registry = new Registry();
	return { cache: new QueryCache({ cacher, ttlSeconds: 60, registry, logger }), registry };
}

/** A QueryCache over Moleculer's own Memory cacher, as a single-process node would have it. */
export function memoryQueryCache() {
	const broker = new ServiceBroker({ logger: false, cacher: "Memory" });
	const cacher = broker.cacher;
	if (!cacher) throw new Error("the broker made no cacher");
	return { ...queryCacheOver(cacher), cacher };
}

import type { Registry } from "prom-client";

/**
 * Makes `create` answer once per registry: metrics belong to a node's registry, and a second
 * registration of the same name there would throw.
 */
export function perRegistry<T>(create: (registry: Registry) => T): (registry: Registry) => T {
	const created = new WeakMap<Registry, T>();
	return (registry) => {
		let metrics = created.get(registry);
		if (metrics === undefined) {
			metrics = create(registry);
			created.set(registry, metrics);
		}
		return metrics;
	};
}

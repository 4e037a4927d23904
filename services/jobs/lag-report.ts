import type { ServiceBroker } from "moleculer";
import type pg from "pg";
import type { Logger } from "pino";
import { Gauge, type Registry } from "prom-client";
import { perRegistry } from "../../platform/metrics/index.ts";
import { clusterProjectionStatuses } from "../../platform/projections/index.ts";
import { readLag } from "../../platform/relay/index.ts";

export type ComponentLag = { component: string; lagPositions: number; lagSeconds: number; exceeded: boolean };
export type LagReport = { maxLagSeconds: number; components: ComponentLag[]; exceeded: string[] };

function createLagGauges(registry: Registry) {
	return {
		seconds: new Gauge({
			name: "platform_lag_seconds",
			help: "Lag of the relay and of each projection in seconds, as of the last lag check.",
			labelNames: ["component"] as const,
			registers: [registry],
		}),
		exceeded: new Gauge({
			name: "platform_lag_exceeded",
			help: "1 when the component lagged beyond jobs.maxLagSeconds at the last lag check, else 0.",
			labelNames: ["component"] as const,
			registers: [registry],
		}),
	};
}
type LagGauges = ReturnType<typeof createLagGauges>;

/** The gauges the lag check sets, per component (`relay`, `projection:<name>`); one pair per node registry. */
export const lagGaugesOf = perRegistry(createLagGauges);

/**
 * How far the relay and every projection in the cluster are behind the event store, in
 * positions and seconds; each one beyond `maxLagSeconds` is logged and flagged in the gauges.
 */
export async function checkLag(
	deps: { broker: ServiceBroker; pg: pg.Pool; gauges: LagGauges; logger: Logger },
	maxLagSeconds: number,
): Promise<LagReport> {
	const [relay, projections] = await Promise.all([readLag(deps.pg), clusterProjectionStatuses(deps.broker)]);
	const measured = [
		{ component: "relay", lagPositions: relay.positions, lagSeconds: relay.seconds },
		...projections.map(({ status }) => ({
			component: `projection:${status.name}`,
			lagPositions: status.lagPositions,
			lagSeconds: status.lagSeconds,
		})),
	];
	const components = measured.map((m) => ({ ...m, exceeded: m.lagSeconds > maxLagSeconds }));
	for (const c of components) {
		deps.gauges.seconds.set({ component: c.component }, c.lagSeconds);
		deps.gauges.exceeded.set({ component: c.component }, c.exceeded ? 1 : 0);
		if (c.exceeded) deps.logger.warn({ ...c, maxLagSeconds }, `${c.component} lags ${Math.round(c.lagSeconds)} s behind the event store`);
	}
	return { maxLagSeconds, components, exceeded: components.filter((c) => c.exceeded).map((c) => c.component) };
}

import type pg from "pg";
import type { Logger } from "pino";
import { Counter, Gauge, type Registry } from "prom-client";
import { type RelayLag, readLag } from "./lag.ts";

/**
 * The relay's metrics on the node's registry. Lag is read from the database when /metrics is
 * scraped (one query serves both gauges), so every node with a relay reports it, active or not.
 */
export function createRelayMetrics(registry: Registry, pool: Pick<pg.Pool, "query">, logger: Logger) {
	let inFlight: Promise<RelayLag | undefined> | undefined;
	const lagOnce = (): Promise<RelayLag | undefined> => {
		inFlight ??= readLag(pool)
			.catch((err: unknown) => {
				// A scrape must still answer while Postgres is away; the gauges keep their last values.
				logger.debug({ err }, "relay lag not readable");
				return undefined;
			})
			.finally(() => {
				inFlight = undefined;
			});
		return inFlight;
	};
	const lagGauge = (name: string, help: string, value: (lag: RelayLag) => number) =>
		new Gauge({
			name,
			help,
			registers: [registry],
			async collect() {
				const lag = await lagOnce();
				if (lag) this.set(value(lag));
			},
		});
	return {
		lagPositions: lagGauge(
			"platform_relay_lag_positions",
			"Global positions the relay is behind the event store's head (0 when caught up).",
			(lag) => lag.positions,
		),
		lagSeconds: lagGauge(
			"platform_relay_lag_seconds",
			"Age of the oldest committed event not yet published to Kafka (0 when caught up).",
			(lag) => lag.seconds,
		),
		events: new Counter({
			name: "platform_relay_events_total",
			help: "Events this node's relay published to Kafka and acknowledged, by topic.",
			labelNames: ["topic"] as const,
			registers: [registry],
		}),
		active: new Gauge({
			name: "platform_relay_active",
			help: "1 while this node's relay holds the relay lock and publishes, else 0.",
			registers: [registry],
		}),
	};
}

export type RelayMetrics = ReturnType<typeof createRelayMetrics>;

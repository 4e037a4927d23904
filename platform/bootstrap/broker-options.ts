import type { BrokerOptions, ServiceBroker } from "moleculer";
import { AuthenticationMiddleware, AuthorizationMiddleware } from "../auth/index.ts";
import { ActionCacheGuardMiddleware } from "../cache/index.ts";
import type { Config } from "../config/index.ts";
import { RequestContextMiddleware } from "../context/index.ts";
import type { EventContract } from "../contracts/index.ts";
import { ErrorBusMiddleware } from "../errors/index.ts";
import { logProcessWarnings, moleculerLoggerOptions } from "../logger/index.ts";
import { ActionMetricsMiddleware } from "../metrics/index.ts";
import { RateLimitMiddleware } from "../ratelimit/index.ts";
import { jobCommands, nodeCommands, projectionCommands, topicCommands } from "../repl/index.ts";
import { InputMiddleware } from "../schemas/index.ts";
import { installGracefulShutdown } from "../shutdown/index.ts";
import { TracingMiddleware } from "../tracing/index.ts";
import { outsideGatewayDispatch } from "./outside-gateway-dispatch.ts";
import { PlatformMiddleware } from "./platform.middleware.ts";
import { Platform } from "./platform.ts";

export type NodeOptions = {
	/** The project root, where config/, services/ and migrations/ live. */
	root: string;
	/** Own the process: signals, uncaught errors, warnings. Off for brokers embedded in a test process. */
	handleSignals?: boolean;
	/** Every event contract of the application (events/index.ts), for validation and decoding. */
	contracts?: readonly EventContract[];
};

/** Moleculer broker options for one platform node, built from the validated config. */
export function brokerOptions(config: Config, { root, handleSignals = true, contracts = [] }: NodeOptions): BrokerOptions {
	const platform = new Platform(config, root, contracts);
	return {
		namespace: config.node.namespace,
		nodeID: platform.nodeID,
		// A URL string is what Moleculer resolves to its transporter; its types only list names.
		transporter: (config.transporter.url ?? undefined) as BrokerOptions["transporter"],
		serializer: "JSON",
		logger: moleculerLoggerOptions(platform.logger, config.log.level) as BrokerOptions["logger"],
		requestTimeout: 10_000,
		// Stopping waits for the actions in flight instead of cutting them off.
		tracking: { enabled: true, shutdownTimeout: config.shutdown.deadlineMs },
		registry: { strategy: "RoundRobin", preferLocal: true },
		metrics: false,
		// The query cache's; actions never use it directly (ActionCacheGuard says why).
		cacher: platform.container.resolve("queryCache").cacher ?? null,
		skipProcessEventRegistration: true,
		replOptions: { customCommands: [...projectionCommands, ...jobCommands, ...nodeCommands, ...topicCommands] },
		// Moleculer wraps an action in these from first to last, so the last runs first: a
		// call gets its span, is reported, timed and given its request context before it is authenticated,
		// then authorized, then counted against the rate limits, then its params parsed with the
		// action's declared `input`, then handled.
		middlewares: [
			InputMiddleware(),
			PlatformMiddleware(platform),
			RateLimitMiddleware(() => (platform.config.rateLimits.enabled ? platform.container.resolve("rateLimits") : undefined)),
			AuthorizationMiddleware(() => ({ roles: platform.container.resolve("roleView"), authz: platform.config.authz })),
			AuthenticationMiddleware(() => platform.container.resolve("accessTokens")),
			RequestContextMiddleware(),
			ActionMetricsMiddleware(platform.metrics),
			ErrorBusMiddleware(platform.errors),
			TracingMiddleware(),
			ActionCacheGuardMiddleware(),
		].map(outsideGatewayDispatch),
		created: (broker: ServiceBroker) => {
			if (!handleSignals) return;
			installGracefulShutdown(broker, platform);
			logProcessWarnings(platform.logger.child({ mod: "process" }));
		},
	};
}

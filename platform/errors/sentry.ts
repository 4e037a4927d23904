import type { Logger } from "pino";
import type { Config } from "../config/index.ts";
import type { SystemErrorReporter } from "./error-bus.ts";

/** What the node keeps of Sentry: its reporter for the error bus, and a flush for shutdown. */
export type Sentry = { reporter: SystemErrorReporter; flush(): Promise<void> };

/** How long a stopping node waits for the last reports to leave. */
const FLUSH_TIMEOUT_MS = 2_000;

/**
 * Sentry for system errors, when `sentry.dsn` is set (loaded only then). No default
 * integrations: the platform's error bus decides what is reported, not global handlers, and
 * the SDK leaves OpenTelemetry to the platform. Each report carries the error's code, where it
 * happened and the trace id, so an issue in Sentry leads to the trace and the log lines.
 */
export async function startSentry(config: Config, logger: Logger): Promise<Sentry | undefined> {
	if (!config.sentry.dsn) return undefined;
	const sdk = await import("@sentry/node");
	sdk.initWithoutDefaultIntegrations({
		dsn: config.sentry.dsn,
		environment: config.sentry.environment ?? config.env,
		enableRuntimeChannelInjection: false,
	});
	logger.info("system errors are reported to Sentry");
	return {
		reporter: (err, context) => {
			const where = { action: context.action, route: context.route, trace_id: context.traceId };
			const tags = Object.fromEntries(Object.entries({ code: context.code, ...where }).filter(([, value]) => value !== undefined));
			sdk.captureException(err, { tags });
		},
		flush: async () => {
			await sdk.flush(FLUSH_TIMEOUT_MS);
		},
	};
}

import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServiceSchema, ServiceSettingSchema } from "moleculer";
import ApiGateway from "moleculer-web";
import { platformOf } from "../platform/bootstrap/index.ts";

type GatewaySettings = ServiceSettingSchema & { routes?: unknown[]; ip?: string; port?: number; use?: unknown[] };
type AliasedRequest = IncomingMessage & { $alias?: { method: string; fullPath: string } };

/**
 * Serves the actions that declare `rest: "VERB /path"` under /api/v1, on the host and port
 * from config, and records every answered request by route and status.
 */
export const RestGatewayMixin: Partial<ServiceSchema<GatewaySettings>> = {
	mixins: [ApiGateway],
	settings: {
		routes: [
			{
				path: "/api/v1",
				autoAliases: true,
				mappingPolicy: "restrict",
				bodyParsers: { json: { limit: "1MB" } },
			},
		],
	},
	created() {
		const { config, metrics } = platformOf(this.broker);
		this.settings.ip = config.api.host;
		this.settings.port = config.api.port;
		this.settings.use = [
			(req: AliasedRequest, res: ServerResponse, next: () => void) => {
				const stop = metrics.httpDuration.startTimer();
				res.once("finish", () => {
					const route = req.$alias ? `${req.$alias.method} ${req.$alias.fullPath}` : "unmatched";
					const labels = { route, method: req.method ?? "", status: String(res.statusCode) };
					stop(labels);
					metrics.httpRequests.inc(labels);
				});
				next();
			},
		];
	},
};

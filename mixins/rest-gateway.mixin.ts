import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { BlockList } from "node:net";
import { context, type Span } from "@opentelemetry/api";
import type { ServiceBroker, ServiceSchema, ServiceSettingSchema } from "moleculer";
import ApiGateway from "moleculer-web";
import type { Logger } from "pino";
import type { AuthMeta, EntryMeta } from "../platform/auth/index.ts";
import { platformOf } from "../platform/bootstrap/index.ts";
import { problemOf } from "../platform/errors/index.ts";
import {
	answerSuccessStatus,
	clientIp,
	corsOptions,
	drainHttpServer,
	jsonBodiesOnly,
	trustedProxyList,
	urlOf,
	writeSecurityHeaders,
} from "../platform/http/index.ts";
import type { PlatformMetrics } from "../platform/metrics/index.ts";
import type { ResponseHeadersMeta } from "../platform/ratelimit/index.ts";
import { finishHttpSpan, startHttpSpan, traceresponseOf } from "../platform/tracing/index.ts";
import { OpenApiMixin } from "./openapi.mixin.ts";

type GatewaySettings = ServiceSettingSchema & {
	routes?: unknown[];
	ip?: string;
	port?: number;
	onError?: unknown;
	cors?: unknown;
	logRouteRegistration?: string;
	logRequest?: string | null;
	logResponse?: string | null;
};
type CallContext = { meta: AuthMeta & EntryMeta };
type Gateway = { trustedProxies: BlockList };
type HttpState = { hstsMaxAgeSeconds: number | undefined; httpMetrics: PlatformMetrics; accessLog: Logger | undefined };

/** moleculer-web's own handler, which httpHandler below wraps. */
const gatewayHttpHandler = ApiGateway.methods?.httpHandler as (
	this: unknown,
	req: IncomingMessage,
	res: ServerResponse,
	next?: unknown,
) => unknown;

/** The ids a request's lines carry: its own (X-Request-ID), and its trace's. */
function requestIds(req: AliasedRequest): { requestId?: string; traceId?: string } {
	return { requestId: req.$ctx?.requestID ?? req.$ctx?.id, traceId: req.$span?.spanContext().traceId };
}

function routeOf(req: AliasedRequest): string {
	return req.$alias ? `${req.$alias.method} ${req.$alias.fullPath}` : "unmatched";
}

/** Actions named `wellKnown<Name>` are served under /.well-known (e.g. identity.wellKnownJwks), and only there. */
const WELL_KNOWN_ACTIONS = "*.wellKnown*";

/**
 * What every route tells the action about the request: which action the gateway was asked
 * for (the Authorization middleware checks its declared permissions), the Authorization
 * header (the Authentication middleware turns it into ctx.meta.user) and the client's IP.
 */
function onBeforeCall(this: Gateway, ctx: CallContext, _route: unknown, req: IncomingMessage & { $action?: { name: string } }) {
	ctx.meta.entry = { via: "rest", action: req.$action?.name ?? "" };
	if (req.headers.authorization !== undefined) ctx.meta.authorization = req.headers.authorization;
	const ip = clientIp(req.socket.remoteAddress, req.headers["x-forwarded-for"], this.trustedProxies);
	if (ip) ctx.meta.ip = ip;
}
type AliasedRequest = IncomingMessage & {
	$alias?: { method: string; fullPath: string };
	/** The request's span (see httpHandler). */
	$span?: Span;
	$ctx?: { requestID?: string | null; id: string; meta: ResponseHeadersMeta };
};

/**
 * Serves the actions that declare `rest: "VERB /path"` under /api/v1 (and `wellKnown*`
 * actions under /.well-known), on the host and port from config, passes each call the
 * request's Authorization header and client IP (X-Forwarded-For only from `api.trustedProxies`),
 * answers with the security headers and CORS for `api.corsOrigins`, and records every
 * answered request by route and status. Every error answers
 * as application/problem+json (platform/errors/problem.ts) and passes the node's error bus.
 * GET /api/openapi.json answers the OpenAPI document of all of it (OpenApiMixin).
 */
export const RestGatewayMixin: Partial<ServiceSchema<GatewaySettings>> = {
	mixins: [ApiGateway, OpenApiMixin],
	settings: {
		// The routes are in the OpenAPI document; listing them at info would bury the start-up lines.
		logRouteRegistration: "debug",
		// The gateway writes one structured line per answered request instead (log.accessLog);
		// moleculer-web's line for each request that arrives stays for debugging a hang.
		logRequest: "debug",
		logResponse: null,
		routes: [
			{
				path: "/api/v1",
				autoAliases: true,
				mappingPolicy: "restrict",
				blacklist: [WELL_KNOWN_ACTIONS],
				bodyParsers: { json: { limit: "1MB" } },
				use: [jsonBodiesOnly],
				onBeforeCall,
				onAfterCall: answerSuccessStatus,
			},
			{
				path: "/.well-known",
				autoAliases: true,
				mappingPolicy: "restrict",
				whitelist: [WELL_KNOWN_ACTIONS],
				onBeforeCall,
			},
			{
				// Beside the versioned API, not in it: the document describes every version. The
				// gateway service is `api` (services/api).
				path: "/api",
				aliases: { "GET /openapi.json": "api.openapi" },
				mappingPolicy: "restrict",
				onBeforeCall,
			},
		],
		onError(this: { broker: Parameters<typeof platformOf>[0] }, req: AliasedRequest, res: ServerResponse, err: unknown) {
			const { requestId, traceId: spanTraceId } = requestIds(req);
			const traceId = spanTraceId ?? requestId;
			const route = routeOf(req);
			// Errors of actions were reported where they were thrown; this catches the gateway's own.
			platformOf(this.broker).errors.report(err, { route, traceId, requestId });
			const problem = problemOf(err, traceId);
			if (res.headersSent) return void res.end();
			// What the call set before it failed, e.g. the RateLimit headers of a 429.
			for (const [name, value] of Object.entries(req.$ctx?.meta.$responseHeaders ?? {})) res.setHeader(name, value);
			if (requestId) res.setHeader("X-Request-ID", requestId);
			if (problem.retryAfterSeconds) res.setHeader("Retry-After", String(problem.retryAfterSeconds));
			res.setHeader("Content-Type", "application/problem+json");
			res.writeHead(problem.status);
			res.end(JSON.stringify(problem));
		},
	},
	created() {
		const platform = platformOf(this.broker);
		const { config, metrics } = platform;
		this.settings.ip = config.api.host;
		this.settings.port = config.api.port;
		this.trustedProxies = trustedProxyList(config.api.trustedProxies);
		// moleculer-web built its routes before this hook; preflights that match no route read the settings' own.
		const cors = corsOptions(config.api.corsOrigins);
		this.settings.cors = cors;
		for (const route of this.routes) route.cors = cors ?? null;
		platform.onDrain("http", () => drainHttpServer(this.server));
		this.hstsMaxAgeSeconds = config.api.hstsMaxAgeSeconds;
		this.httpMetrics = metrics;
		this.accessLog = config.log.accessLog ? platform.logger.child({ mod: "api" }) : undefined;
	},
	methods: {
		/**
		 * moleculer-web's handler of every request (its server calls it for each one, routed or
		 * not), run inside the request's span so that the action's span is its child; first the
		 * security headers, last the metrics by route and status.
		 */
		httpHandler(this: Gateway & HttpState, req: AliasedRequest, res: ServerResponse, next?: unknown) {
			writeSecurityHeaders(res, this.hstsMaxAgeSeconds);
			const { span, context: spanContext } = startHttpSpan(req);
			req.$span = span;
			res.setHeader("traceresponse", traceresponseOf(span));
			const stop = this.httpMetrics.httpDuration.startTimer();
			res.once("finish", () => {
				const route = routeOf(req);
				const labels = { route, method: req.method ?? "", status: String(res.statusCode) };
				const seconds = stop(labels);
				this.httpMetrics.httpRequests.inc(labels);
				finishHttpSpan(span, route === "unmatched" ? `${req.method} unmatched` : route, res.statusCode);
				this.accessLog?.info(
					{ ...labels, status: res.statusCode, durationMs: Math.round(seconds * 1e6) / 1e3, ...requestIds(req) },
					"request answered",
				);
			});
			return context.with(spanContext, () => gatewayHttpHandler.call(this, req, res, next));
		},
	},
	events: {
		// Aliases are otherwise rebuilt 500 ms after services change; a node that reports
		// ready must already route to every local service.
		"$broker.started"() {
			for (const route of this.routes) if (route.opts.autoAliases) this.regenerateAutoAliases(route);
		},
	},
	started(this: { server?: Server; broker: ServiceBroker }) {
		const { server } = this;
		const platform = platformOf(this.broker);
		const record = () => {
			const address = server?.address();
			if (address && typeof address === "object") platform.endpoints.rest = urlOf("http", address);
		};
		if (server?.listening) record();
		else server?.once("listening", record);
	},
};

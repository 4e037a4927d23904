import type { BlockList } from "node:net";
import { Metadata, type ServerUnaryCall, type sendUnaryData, status } from "@grpc/grpc-js";
import { context, SpanStatusCode } from "@opentelemetry/api";
import type { ServiceBroker } from "moleculer";
import type { Logger } from "pino";
import type { AuthMeta, EntryMeta } from "../auth/index.ts";
import type { DeadlineMeta, ErrorBus } from "../errors/index.ts";
import { clientIp } from "../http/index.ts";
import type { PlatformMetrics } from "../metrics/index.ts";
import type { ResponseHeadersMeta } from "../ratelimit/index.ts";
import { startRpcSpan, traceresponseOf } from "../tracing/index.ts";
import { replyMessage } from "./reply-message.ts";
import type { Rpc } from "./rpc-catalog.ts";
import { grpcFailureOf } from "./status.ts";

type Deps = {
	broker: ServiceBroker;
	trustedProxies: BlockList;
	metrics: PlatformMetrics;
	errors: ErrorBus;
	/** Where each answered call gets its line (log.accessLog), if anywhere. */
	accessLog: Logger | undefined;
};
type CallMeta = AuthMeta & EntryMeta & ResponseHeadersMeta & DeadlineMeta;

/**
 * The handler of one rpc: calls its action as the REST gateway would (entry action named for
 * authorization, `authorization` metadata for authentication, the client IP for rate limits),
 * with the call's deadline as the action's timeout, and answers the action's reply or the
 * error's status. Headers the pipeline set (RateLimit) travel back as trailers.
 */
export function unaryHandler(rpc: Rpc, deps: Deps) {
	return async (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
		const stop = deps.metrics.grpcDuration.startTimer();
		const { span, context: spanContext } = startRpcSpan(rpc.path, first(call.metadata, "traceparent"));
		// The root context of the call, as moleculer-web makes one per request: the action's meta flows back into it.
		const ctx = new deps.broker.ContextFactory(deps.broker);
		const timeout = timeoutOf(call.getDeadline());
		const meta = callMeta(rpc, call, deps.trustedProxies);
		if (timeout !== undefined && timeout < (deps.broker.options.requestTimeout ?? Number.POSITIVE_INFINITY)) meta.callerDeadline = true;
		ctx.meta = meta;
		ctx.requestID = first(call.metadata, "x-request-id") ?? ctx.id;
		const traceId = span.spanContext().traceId;
		const answered = (code: status) => {
			const labels = { method: rpc.path, code: status[code] ?? String(code) };
			const seconds = stop(labels);
			deps.metrics.grpcRequests.inc(labels);
			span.setAttribute("rpc.grpc.status_code", code);
			if (code !== status.OK) span.setStatus({ code: SpanStatusCode.ERROR, message: labels.code });
			span.end();
			const durationMs = Math.round(seconds * 1e6) / 1e3;
			deps.accessLog?.info({ ...labels, durationMs, requestId: ctx.requestID ?? undefined, traceId }, "call answered");
		};
		const trailers = () => trailersOf(ctx.meta as CallMeta, ctx.requestID ?? undefined, traceresponseOf(span));
		if (timeout !== undefined && timeout <= 0) {
			answered(status.DEADLINE_EXCEEDED);
			return callback({ code: status.DEADLINE_EXCEEDED, details: "The call's deadline passed before it started" });
		}
		try {
			const options = timeout === undefined ? {} : { timeout };
			const reply = await context.with(spanContext, () => ctx.call(rpc.action, call.request as object, options));
			callback(null, replyMessage(reply, rpc), trailers());
			answered(status.OK);
		} catch (err) {
			// Errors of actions were reported where they were thrown; this catches the gateway's own.
			deps.errors.report(err, {
				route: rpc.path,
				traceId,
				requestId: ctx.requestID ?? undefined,
				callerDeadline: meta.callerDeadline,
			});
			const failure = grpcFailureOf(err, traceId);
			failure.metadata.merge(trailers());
			callback(failure);
			answered(failure.code);
		}
	};
}

function callMeta(rpc: Rpc, call: ServerUnaryCall<unknown, unknown>, trustedProxies: BlockList): CallMeta {
	const meta: CallMeta = { entry: { via: "grpc", action: rpc.action } };
	const authorization = first(call.metadata, "authorization");
	if (authorization !== undefined) meta.authorization = authorization;
	const ip = clientIp(peerAddress(call.getPeer()), first(call.metadata, "x-forwarded-for"), trustedProxies);
	if (ip) meta.ip = ip;
	return meta;
}

/** `ipv4:127.0.0.1:5000`, `ipv6:[::1]:5000` or `127.0.0.1:5000` -> the address. */
function peerAddress(peer: string): string | undefined {
	const match = /^(?:ipv[46]:)?\[?([^\]]+?)\]?:\d+$/.exec(peer);
	return match?.[1];
}

function first(metadata: Metadata, key: string): string | undefined {
	const value = metadata.get(key)[0];
	return typeof value === "string" ? value : undefined;
}

/** Milliseconds left before the deadline; none when the caller set none. */
function timeoutOf(deadline: Date | number): number | undefined {
	const at = deadline instanceof Date ? deadline.getTime() : deadline;
	return Number.isFinite(at) ? at - Date.now() : undefined;
}

function trailersOf(meta: CallMeta, requestId: string | undefined, traceresponse: string): Metadata {
	const trailers = new Metadata();
	if (requestId) trailers.set("x-request-id", requestId);
	trailers.set("traceresponse", traceresponse);
	for (const [name, value] of Object.entries(meta.$responseHeaders ?? {})) trailers.set(name.toLowerCase(), value);
	return trailers;
}

import type { Context } from "moleculer";
import type { EventMetadata } from "../eventstore/index.ts";
import { activeTraceparent } from "../tracing/index.ts";

/** What a caller may put in ctx.meta to be carried into the events a command appends. */
export type CommandMeta = { correlationId?: string; causationId?: string; traceparent?: string; user?: { id?: string } };

/**
 * The metadata of the events a command appends. A chain of commands keeps one correlation
 * id (the first request's, unless the caller set one); the causation id is what caused this
 * command: the event a process manager reacted to, else the calling context.
 */
export function commandMetadata(ctx: Context<unknown, CommandMeta>): EventMetadata {
	const meta = ctx.meta ?? {};
	const metadata: EventMetadata = {
		correlationId: meta.correlationId ?? ctx.requestID ?? ctx.id,
		causationId: meta.causationId ?? ctx.id,
	};
	// The command's own span, so that consumers of its events continue its trace.
	const traceparent = activeTraceparent() ?? meta.traceparent;
	if (traceparent) metadata.traceparent = traceparent;
	if (meta.user?.id) metadata.userId = meta.user.id;
	return metadata;
}

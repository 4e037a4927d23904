import { type Logger, pino } from "pino";
import type { Config } from "../config/index.ts";
import { currentRequestContext } from "../context/index.ts";
import { activeTraceId } from "../tracing/index.ts";
import { REDACTION } from "./redaction.ts";

/** The process' root pino logger: JSON lines, or pretty ones for a terminal. */
export function createRootLogger(config: Pick<Config, "log" | "env">, nodeID: string): Logger {
	return pino({
		level: config.log.level,
		base: { nodeID, env: config.env },
		...REDACTION,
		// Every line written while a request is served carries its trace and request ids; a
		// line written in a span elsewhere (a consumer applying an event) its trace id.
		mixin: () => {
			const ctx = currentRequestContext();
			if (ctx) return { traceId: ctx.traceId, requestId: ctx.requestId };
			const traceId = activeTraceId();
			return traceId ? { traceId } : {};
		},
		timestamp: pino.stdTimeFunctions.isoTime,
		transport: config.log.pretty
			? {
					target: "pino-pretty",
					options: { colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname,env,ns", singleLine: true },
				}
			: undefined,
	});
}

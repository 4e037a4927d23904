import type { Logger } from "pino";

type Level = "fatal" | "error" | "warn" | "info" | "debug" | "trace";
const LEVELS: Level[] = ["fatal", "error", "warn", "info", "debug", "trace"];

/**
 * Moleculer calls its loggers console-style, `info("msg", obj, err)`, while pino wants the
 * object first. Merge objects (an Error as `err`) into pino's merging object so they are
 * kept and redacted rather than dropped.
 */
export function moleculerLoggerOptions(root: Logger, level: Level) {
	return {
		type: "Pino",
		options: {
			level,
			createLogger: (moduleLevel: Level, bindings: Record<string, unknown>) => {
				const child = root.child(ownBindings(root, bindings), { level: moduleLevel });
				// Moleculer logs on hot paths at levels that are usually off: those cost nothing.
				const log = Object.fromEntries(
					LEVELS.map((lvl) => [lvl, child.isLevelEnabled(lvl) ? (...args: unknown[]) => write(child, lvl, args) : noop]),
				);
				return log;
			},
		},
	};
}

const noop = () => undefined;

/**
 * Moleculer binds the node's ID, which the root logger carries already; pino would write the
 * key twice, and log stores such as Elasticsearch refuse a line with a repeated key.
 */
function ownBindings(root: Logger, bindings: Record<string, unknown>): Record<string, unknown> {
	const bound = root.bindings();
	return Object.fromEntries(Object.entries(bindings).filter(([key, value]) => bound[key] !== value));
}

function write(logger: Logger, level: Level, args: unknown[]): void {
	const words: string[] = [];
	let merged: Record<string, unknown> | undefined;
	for (const arg of args) {
		if (arg instanceof Error) merged = { ...merged, err: arg };
		else if (typeof arg === "object" && arg !== null) merged = { ...merged, ...(arg as Record<string, unknown>) };
		else words.push(String(arg));
	}
	const msg = words.join(" ");
	if (merged) logger[level](merged, msg);
	else logger[level](msg);
}

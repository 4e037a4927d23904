import { Writable } from "node:stream";
import pino from "pino";

export type LogLine = { level: number; msg: string; err?: unknown } & Record<string, unknown>;

/** A pino logger whose lines are kept, parsed, in `lines`, and as written, in `raw` (written synchronously). */
export function capturedLogger(level: pino.Level = "debug", options: pino.LoggerOptions = {}) {
	const lines: LogLine[] = [];
	const raw: string[] = [];
	const stream = new Writable({
		write(chunk, _encoding, done) {
			raw.push(String(chunk));
			lines.push(JSON.parse(String(chunk)));
			done();
		},
	});
	return { logger: pino({ ...options, level }, stream), lines, raw };
}

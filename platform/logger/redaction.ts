import type { LoggerOptions } from "pino";

/** Keys whose values never reach a log line in clear text, wherever they sit in the logged object. */
const SECRET_KEYS = new Set([
	"authorization",
	"cookie",
	"set-cookie",
	"password",
	"currentPassword",
	"newPassword",
	"passwordHash",
	"token",
	"accessToken",
	"refreshToken",
	"secret",
	"clientSecret",
	"apiKey",
]);

const CENSOR = "[redacted]";

/** How deep a logged object is searched; a cycle ends here too. */
const MAX_DEPTH = 8;

/** Plain data and errors are searched; other class instances (a client, a buffer) are logged as they are. */
function searchable(value: object): boolean {
	const proto = Object.getPrototypeOf(value);
	return proto === Object.prototype || proto === null || value instanceof Error;
}

/** A copy with the same prototype and own properties (an error keeps its message, stack and class). */
function copyOf<T extends object>(value: T): T {
	const copy = Object.defineProperties(Object.create(Object.getPrototypeOf(value)), Object.getOwnPropertyDescriptors(value));
	// V8's `stack` is an accessor that reads the original error's internals: the copy gets its text.
	if (value instanceof Error) Object.defineProperty(copy, "stack", { value: value.stack, writable: true, configurable: true });
	return copy;
}

/**
 * `value` with every secret key's value replaced by "[redacted]", at any depth up to MAX_DEPTH.
 * What holds no secret is returned as is, so the common line allocates nothing, and what
 * does is copied along the way down: the caller's object (a request's params) is never changed.
 */
export function redactSecrets<T>(value: T, depth = 0): T {
	if (value === null || typeof value !== "object" || depth >= MAX_DEPTH) return value;
	if (Array.isArray(value)) {
		let copy: unknown[] | undefined;
		value.forEach((item, i) => {
			const redacted = redactSecrets(item, depth + 1);
			if (redacted === item) return;
			copy ??= [...value];
			copy[i] = redacted;
		});
		return (copy ?? value) as T;
	}
	if (!searchable(value)) return value;
	let copy: Record<string, unknown> | undefined;
	for (const [key, item] of Object.entries(value)) {
		const redacted = SECRET_KEYS.has(key) ? CENSOR : redactSecrets(item, depth + 1);
		if (redacted === item) continue;
		copy ??= copyOf(value) as Record<string, unknown>;
		copy[key] = redacted;
	}
	return (copy ?? value) as T;
}

/**
 * The loggers' redaction: one walk of each line's object. pino's own `redact` paths cannot
 * reach any depth (no recursive wildcard), and with a path per key and depth they cost ~20 us
 * a line, as much as a third of a request's time at info. Bindings are not searched: the
 * platform binds names and ids, never secrets.
 */
export const REDACTION: Pick<LoggerOptions, "formatters"> = { formatters: { log: redactSecrets } };

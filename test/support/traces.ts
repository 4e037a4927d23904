import { createHash } from "node:crypto";

/** A W3C trace id named after a label, so a test can find what a call did by it. */
export function traceIdOf(label: string): string {
	return createHash("sha256").update(label).digest("hex").slice(0, 32);
}

/** A sampled `traceparent` in the trace `traceIdOf(label)`, as a caller's own tracing would send it. */
export function traceparentOf(label: string): string {
	return `00-${traceIdOf(label)}-${"ab".repeat(8)}-01`;
}

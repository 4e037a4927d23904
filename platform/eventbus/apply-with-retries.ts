import { backoffDelay, sleep } from "../retry/index.ts";
import { consumeSpan, inSpan } from "../tracing/index.ts";
import type { EventSink } from "./consumer.ts";
import type { ConsumerMetrics } from "./consumer-metrics.ts";
import type { EventEnvelope } from "./kafka-record.ts";

export type RetrySettings = { sink: EventSink; group: string; metrics: ConsumerMetrics; maxAttempts: number; retryBaseMs: number };

/**
 * Applies one event on its own, each attempt in a span of its own, retrying with exponential
 * backoff; after the last failed attempt, `giveUp` decides where the event goes (a dead-letter
 * topic, the sink's parked list).
 */
export async function applyWithRetries(
	event: EventEnvelope,
	{ sink, group, metrics, maxAttempts, retryBaseMs }: RetrySettings,
	giveUp: (error: Error, attempts: number) => Promise<void>,
): Promise<void> {
	for (let attempt = 1; ; attempt++) {
		const { span, parent } = consumeSpan(event, group);
		span.setAttribute("messaging.attempt", attempt);
		try {
			await inSpan(span, parent, () => sink.applyOne(event));
			metrics.events.inc({ group, outcome: "applied" });
			return;
		} catch (err) {
			if (attempt >= maxAttempts) {
				await giveUp(err as Error, attempt);
				return;
			}
			metrics.events.inc({ group, outcome: "retried" });
			await sleep(backoffDelay(attempt, retryBaseMs));
		}
	}
}

import { context } from "@opentelemetry/api";
import { contextFrom } from "../tracing/index.ts";
import type { EventSink } from "./consumer.ts";
import type { EventEnvelope } from "./kafka-record.ts";

/** How a subscriber acts on an event: by calling actions, which carry the event's correlation. */
export type SubscriberContext = {
	call<T = unknown>(action: string, params: unknown): Promise<T>;
};

export type SubscriberHandler = (event: EventEnvelope, ctx: SubscriberContext) => Promise<void>;

/**
 * A consumer that is not a read model, e.g. a process manager: it reacts to events by
 * issuing commands. Its handlers must be idempotent (events can be redelivered); commands
 * keyed by the event make them so. Runs as the consumer group `subscriber.<name>`.
 */
export type Subscriber = { name: string; topics: string[]; handlers: Record<string, SubscriberHandler> };

export function defineSubscriber(subscriber: Subscriber): Subscriber {
	return subscriber;
}

type Caller = (action: string, params: unknown, opts: { meta: Record<string, unknown> }) => Promise<unknown>;

/**
 * The sink of a subscriber's consumer group: each event's handler, with calls whose meta
 * keeps the event's correlation id and names the event as their cause.
 */
export function subscriberSink(
	subscriber: Subscriber,
	call: Caller,
	onParked: (event: EventEnvelope | undefined, error: Error) => void,
): EventSink {
	const applyOne = async (event: EventEnvelope) => {
		const handler = subscriber.handlers[event.type];
		if (!handler) return;
		const meta = { correlationId: event.metadata.correlationId ?? event.id, causationId: event.id };
		// In the trace of the event's request: the commands it issues continue that trace.
		await context.with(contextFrom(event.metadata.traceparent), () =>
			handler(event, { call: <T>(action: string, params: unknown) => call(action, params, { meta }) as Promise<T> }),
		);
	};
	return {
		async applyBatch(events) {
			for (const event of events) await applyOne(event);
		},
		applyOne,
		async parked(event, error) {
			onParked(event, error);
		},
	};
}

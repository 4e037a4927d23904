import type pg from "pg";
import type { Logger } from "pino";
import type { EventEnvelope, EventSink } from "../../platform/eventbus/index.ts";
import { type JobQueue, nameBasedId } from "../../platform/jobs/index.ts";
import { inTransaction } from "../../platform/postgres/index.ts";
import { toCloudEvent } from "./cloud-event.ts";

export const DELIVER_JOB = "webhooks.deliver";

type Subscription = { id: string; event_types: string[] };

/** Does a subscription's list (`ledger.MoneyDeposited`, `ledger.*`) cover this type? */
export function subscribedTo(eventTypes: readonly string[], type: string): boolean {
	const module = type.slice(0, type.indexOf("."));
	return eventTypes.includes(type) || eventTypes.includes(`${module}.*`);
}

/**
 * Outcomes of the delivery jobs themselves are never delivered: a subscription to jobs.*
 * would otherwise feed on its own deliveries without end.
 */
function isDeliveryOutcome(event: EventEnvelope): boolean {
	return event.type.startsWith("jobs.") && (event.data as { job?: string }).job === DELIVER_JOB;
}

/**
 * The sink of the `webhooks.dispatch` consumer group: for each event and each subscription
 * that wants it, one delivery row and its job, written in one transaction. The delivery id
 * is derived from the subscription and the event, so a redelivered record adds nothing.
 */
export function dispatcherSink(pool: pg.Pool, queue: JobQueue, logger: Logger): EventSink {
	const dispatch = async (events: EventEnvelope[]) => {
		const wanted = events.filter((e) => !isDeliveryOutcome(e));
		if (wanted.length === 0) return;
		const { rows: subscriptions } = await pool.query<Subscription>("SELECT id, event_types FROM webhook_subscriptions");
		const deliveries = wanted.flatMap((event) =>
			subscriptions
				.filter((s) => subscribedTo(s.event_types, event.type))
				.map((s) => ({ id: nameBasedId("webhook-delivery", s.id, event.id), subscriptionId: s.id, event })),
		);
		if (deliveries.length === 0) return;
		await inTransaction(pool, async (client) => {
			const { rows: created } = await client.query<{ id: string }>(
				`INSERT INTO webhook_deliveries (id, subscription_id, event_id, event_type, body)
				 SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::jsonb[])
				 ON CONFLICT (id) DO NOTHING RETURNING id`,
				[
					deliveries.map((d) => d.id),
					deliveries.map((d) => d.subscriptionId),
					deliveries.map((d) => d.event.id),
					deliveries.map((d) => d.event.type),
					deliveries.map((d) => JSON.stringify(toCloudEvent(d.event))),
				],
			);
			if (created.length > 0)
				await queue.sendWithin(
					client,
					DELIVER_JOB,
					created.map((row) => ({ deliveryId: row.id })),
				);
		});
	};
	return {
		applyBatch: dispatch,
		applyOne: (event) => dispatch([event]),
		async parked(event, error, attempts) {
			logger.error({ err: error, eventId: event?.id, type: event?.type, attempts }, "webhook dispatch gave up on an event");
		},
	};
}

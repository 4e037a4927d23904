import type { ServiceSchema } from "moleculer";
import { platformOf } from "../platform/bootstrap/index.ts";
import { ConsumerSet, createEventConsumer, type Subscriber, subscriberSink } from "../platform/eventbus/index.ts";
import { PlatformMixin } from "./platform.mixin.ts";

/** Where a service instance keeps its consumer groups (one instance per broker). */
const CONSUMERS = Symbol("subscriberConsumers");
type WithConsumers = { [CONSUMERS]?: ConsumerSet };

/**
 * Runs a service's subscribers (process managers), one consumer group `subscriber.<name>`
 * each, started in the background, while the service runs.
 */
export function SubscriberMixin(subscribers: Subscriber[]): Partial<ServiceSchema> {
	return {
		mixins: [PlatformMixin],
		started() {
			const platform = platformOf(this.broker);
			const logger = platform.logger.child({ mod: "subscriber" });
			const consumers = new ConsumerSet(logger);
			(this as WithConsumers)[CONSUMERS] = consumers;
			consumers.start(
				subscribers.map((subscriber) => {
					const sink = subscriberSink(
						subscriber,
						(action, params, opts) => this.broker.call(action, params, opts),
						(event, error) =>
							logger.error({ err: error, subscriber: subscriber.name, eventId: event?.id }, "subscriber gave up on an event"),
					);
					return createEventConsumer(platform, `subscriber.${subscriber.name}`, subscriber.topics, sink);
				}),
			);
		},
		async stopped() {
			await (this as WithConsumers)[CONSUMERS]?.stop();
		},
	};
}

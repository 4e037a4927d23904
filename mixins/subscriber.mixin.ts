import type { ServiceSchema } from "moleculer";
import { platformOf } from "../platform/bootstrap/index.ts";
import { type EventConsumer, type Subscriber, startEventConsumer, subscriberSink } from "../platform/eventbus/index.ts";
import { PlatformMixin } from "./platform.mixin.ts";

/** Runs a service's subscribers (process managers), one consumer group `subscriber.<name>` each, while the service runs. */
const CONSUMERS = Symbol("subscriberConsumers");
type WithConsumers = { [CONSUMERS]?: EventConsumer[] };

export function SubscriberMixin(subscribers: Subscriber[]): Partial<ServiceSchema> {
	return {
		mixins: [PlatformMixin],
		async started() {
			const platform = platformOf(this.broker);
			const logger = platform.logger.child({ mod: "subscriber" });
			const consumers: EventConsumer[] = [];
			(this as WithConsumers)[CONSUMERS] = consumers;
			for (const subscriber of subscribers) {
				const sink = subscriberSink(
					subscriber,
					(action, params, opts) => this.broker.call(action, params, opts),
					(event, error) => logger.error({ err: error, subscriber: subscriber.name, eventId: event?.id }, "subscriber gave up on an event"),
				);
				consumers.push(await startEventConsumer(platform, `subscriber.${subscriber.name}`, subscriber.topics, sink));
			}
		},
		async stopped() {
			await Promise.all(((this as WithConsumers)[CONSUMERS] ?? []).map((c) => c.stop()));
		},
	};
}

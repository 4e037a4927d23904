import { publishedTopics, Relay } from "../relay/index.ts";
import type { Platform } from "./platform.ts";

/** Builds this node's relay from the platform's config, container and modules, and starts it. */
export function startRelay(platform: Platform): Relay {
	const { config, container } = platform;
	const pool = container.resolve("pg");
	const relay = new Relay({
		postgresUrl: config.postgres.url,
		pool,
		store: container.resolve("eventStore"),
		kafka: container.resolve("kafka"),
		settings: config.events,
		topics: publishedTopics(platform.modules),
		registry: platform.metrics.registry,
		logger: platform.logger.child({ mod: "relay" }),
		onAppended: (listener) => container.resolve("appendListeners").add(listener),
	});
	container.resolve("appendNotifier")?.servesLocalRelay(() => relay.active);
	relay.start();
	return relay;
}

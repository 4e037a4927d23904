import type { ServiceBroker } from "moleculer";
import { platformOf } from "../bootstrap/index.ts";
import { tailTopic } from "../eventbus/index.ts";

/** What moleculer-repl passes as the second argument (its typings say string[]; it is this). */
type Params = { topic?: string; seconds?: string };

const DEFAULT_SECONDS = 30;

/**
 * REPL commands for the event topics: `tail <topic> [seconds]` prints each event published to
 * a module's topic from now on, for 30 seconds unless told otherwise (on Kafka, or on the
 * event store in the embedded profile).
 */
export const topicCommands = [
	{
		command: "tail <topic> [seconds]",
		description: "Print a topic's events live (e.g. tail ledger.events 60)",
		async action(broker: ServiceBroker, params: unknown) {
			const { topic, seconds } = params as Params;
			const duration = seconds === undefined ? DEFAULT_SECONDS : Number(seconds);
			if (!Number.isFinite(duration) || duration <= 0) throw new Error(`seconds must be a positive number, not ${seconds}`);
			console.log(`following ${topic} for ${duration} s`);
			const printed = await tailTopic(platformOf(broker), topic as string, duration, (event) =>
				console.log(`${event.position} ${event.type} ${event.streamId} v${event.version} ${JSON.stringify(event.data)}`),
			);
			console.log(`${printed} event(s)`);
		},
	},
];

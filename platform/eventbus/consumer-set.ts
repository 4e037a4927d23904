import type { Logger } from "pino";
import { backoffDelay, sleep } from "../retry/index.ts";
import type { EventConsumer } from "./consumer.ts";

const LEAVE_TIMEOUT_MS = 3_000;

/**
 * The consumer groups of one service. They start in the background, so Kafka being slow or
 * away never holds up readiness (queries and commands work without it); a group that fails to
 * start is retried with backoff until it runs or the service stops.
 */
export class ConsumerSet {
	readonly #logger: Logger;
	readonly #consumers: EventConsumer[] = [];
	#stopping = false;
	#starting: Promise<void> = Promise.resolve();

	constructor(logger: Logger) {
		this.#logger = logger;
	}

	start(consumers: EventConsumer[]): void {
		this.#consumers.push(...consumers);
		this.#starting = Promise.all(consumers.map((c) => this.#startWithRetries(c))).then(() => undefined);
	}

	/**
	 * Stops every group (each commits what it applied and leaves), also one still joining:
	 * a group whose old members were killed can take a session timeout to rebalance, and
	 * shutdown must not wait for that.
	 */
	async stop(): Promise<void> {
		this.#stopping = true;
		const stopped = Promise.all(this.#consumers.map((c) => c.stop())).then(() => this.#starting);
		// Leaving is a courtesy: what was applied but not committed is delivered again and the
		// inbox ignores it, and the coordinator expires a member that does not say goodbye.
		// Shutdown goes on without it.
		const late = await Promise.race([stopped.then(() => false), sleep(LEAVE_TIMEOUT_MS).then(() => true)]);
		if (late)
			this.#logger.warn(
				{ groups: this.#consumers.map((c) => c.group), timeoutMs: LEAVE_TIMEOUT_MS },
				"consumer groups did not leave in time",
			);
	}

	async #startWithRetries(consumer: EventConsumer): Promise<void> {
		for (let attempt = 1; !this.#stopping; attempt++) {
			try {
				await consumer.start((error) => this.#restart(consumer, error));
				this.#logger.info({ group: consumer.group }, "consumer group started");
				return;
			} catch (err) {
				if (this.#stopping) return;
				this.#logger.warn({ err, group: consumer.group, attempt }, "consumer group failed to start; retrying");
				await consumer.stop().catch(() => undefined);
				await sleep(backoffDelay(attempt, 500, 2_000));
			}
		}
	}

	/** A group kafkajs gave up on (a crash it deems final, e.g. after Kafka itself restarted) starts over. */
	#restart(consumer: EventConsumer, error: Error): void {
		if (this.#stopping) return;
		this.#logger.error({ err: error, group: consumer.group }, "consumer group stopped on an error; starting it again");
		this.#starting = this.#starting.then(() => this.#startWithRetries(consumer));
	}
}

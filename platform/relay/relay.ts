import type { Kafka } from "kafkajs";
import type pg from "pg";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { Config } from "../config/index.ts";
import { type Checkpoint, EVENTS_CHANNEL, type EventStore, START } from "../eventstore/index.ts";
import { backoffDelay } from "../retry/index.ts";
import { relayBatch } from "./batch.ts";
import { readCheckpoint, saveCheckpoint } from "./checkpoint.ts";
import { Leadership } from "./leadership.ts";
import { Publisher } from "./publisher.ts";
import { ReadAhead } from "./read-ahead.ts";
import { createRelayMetrics, type RelayMetrics } from "./relay-metrics.ts";
import { pause, Wakeup } from "./wakeup.ts";

/** Backoff after a failed batch: from a blip to a broker restart, without hammering either. */
const RETRY_BASE_MS = 200;
const RETRY_CAP_MS = 5_000;

/**
 * After a short batch the relay waits this long for a NOTIFY before it asks whether committed
 * events are held back behind a transaction still in flight (their own NOTIFY came before
 * they could be read); if so it reads again, waiting twice as long each time they still are.
 * Under load a NOTIFY comes first and the question is never asked; after the last append of
 * a burst it bounds the wait of the events held back, which was the poll interval.
 */
const HELD_BACK_FIRST_MS = 5;
const HELD_BACK_CAP_MS = 100;

export type RelayOptions = {
	/** Postgres URL for the relay's own session (the lock, LISTEN and checkpoint writes). */
	postgresUrl: string;
	/** The node's pool, for the lag metrics. */
	pool: pg.Pool;
	store: Pick<EventStore, "readAll" | "hasEventsAfter">;
	kafka: Kafka;
	/** `topicPrefix` (events.topicPrefix) goes before every topic name the relay writes or creates. */
	settings: Pick<Config["events"], "relay" | "topicPartitions" | "replicationFactor"> & { topicPrefix?: string };
	/** Topics to create, with their dead-letter topics, when this relay becomes active (the modules' published topics). */
	topics: readonly string[];
	registry: Registry;
	logger: Logger;
	/** Hears of this process's own appends (the store's in-process listeners); returns the unsubscribe. */
	onAppended?: (listener: () => void) => () => void;
};

/**
 * The outbox publisher: one per node, one active per database (the holder of an advisory
 * lock), the others standing by. The active relay reads committed events in commit order from
 * its checkpoint, produces them to their module topics, and moves the checkpoint only once
 * Kafka has acknowledged the batch. It wakes on its own process's appends, on NOTIFY from
 * other processes', and polls as a fallback.
 */
export class Relay {
	readonly #options: RelayOptions;
	readonly #log: Logger;
	readonly #leadership: Leadership;
	readonly #metrics: RelayMetrics;
	readonly #wakeup = new Wakeup();
	readonly #stop = new AbortController();
	#loop: Promise<void> | undefined;
	#checkpoint: Checkpoint = START;
	/** The checkpoint write in flight; the next batch is sent meanwhile. */
	#saving: Promise<void> = Promise.resolve();

	constructor(options: RelayOptions) {
		this.#options = options;
		this.#log = options.logger;
		// A lost session ends the wait between batches, so the relay notices at once.
		this.#leadership = new Leadership(options.postgresUrl, options.logger, () => this.#wakeup.wake());
		this.#metrics = createRelayMetrics(options.registry, options.pool, options.logger);
		this.#metrics.active.set(0);
	}

	/** True while this relay holds the lock and publishes. */
	get active(): boolean {
		return this.#leadership.held;
	}

	/** Starts competing for the lock in the background; returns at once. */
	start(): void {
		this.#loop ??= this.#run();
	}

	/** Finishes the batch in hand, stops listening, releases the lock and disconnects from Kafka. */
	async stop(): Promise<void> {
		this.#stop.abort();
		this.#wakeup.wake();
		await this.#loop;
	}

	get #prefix(): string {
		return this.#options.settings.topicPrefix ?? "";
	}

	get #stopping(): boolean {
		return this.#stop.signal.aborted;
	}

	async #run(): Promise<void> {
		let failures = 0;
		while (!this.#stopping) {
			try {
				if (await this.#leadership.tryAcquire()) await this.#lead();
				failures = 0;
			} catch (err) {
				// Said once per run of failures (Postgres away, say), then retried quietly.
				if (failures++ === 0) this.#log.warn({ err }, "relay cannot take or keep the relay lock; retrying");
				else this.#log.debug({ err, attempt: failures }, "relay still failing");
			}
			if (!this.#stopping) await this.#wakeup.wait(this.#options.settings.relay.pollIntervalMs);
		}
		await this.#leadership.close().catch((err: unknown) => this.#log.warn({ err }, "relay could not release its lock cleanly"));
	}

	/** Relays for as long as this node holds the lock and is not stopping. */
	async #lead(): Promise<void> {
		const { settings, kafka, logger } = this.#options;
		const client = this.#leadership.client;
		const onNotify = () => this.#wakeup.wake();
		const publisher = new Publisher(kafka, settings, logger);
		this.#log.info("this node is the active relay");
		this.#metrics.active.set(1);
		client.on("notification", onNotify);
		const stopHearing = this.#options.onAppended?.(onNotify);
		try {
			await client.query(`LISTEN ${EVENTS_CHANNEL}`);
			this.#checkpoint = await readCheckpoint(client);
			await this.#relayWhileLeading(publisher);
			if (this.#leadership.held) await client.query(`UNLISTEN ${EVENTS_CHANNEL}`);
		} finally {
			await this.#settleSaving();
			this.#metrics.active.set(0);
			client.off("notification", onNotify);
			stopHearing?.();
			await publisher.close().catch((err: unknown) => this.#log.warn({ err }, "relay producer did not disconnect cleanly"));
		}
	}

	async #relayWhileLeading(publisher: Publisher): Promise<void> {
		const { batchSize, pollIntervalMs } = this.#options.settings.relay;
		const store = new ReadAhead(this.#options.store);
		let topicsReady = false;
		let heldBackWait = HELD_BACK_FIRST_MS;
		for (let failures = 0; !this.#stopping && this.#leadership.held; ) {
			try {
				if (!topicsReady) await publisher.ensure(this.#options.topics.map((topic) => `${this.#prefix}${topic}`));
				topicsReady = true;
				const relayed = await this.#relayBatch(publisher, store);
				failures = 0;
				if (relayed === batchSize) continue;
				if (relayed > 0) heldBackWait = HELD_BACK_FIRST_MS;
				if (await this.#wakeup.wait(heldBackWait)) continue;
				if (await this.#options.store.hasEventsAfter(this.#checkpoint)) {
					heldBackWait = Math.min(heldBackWait * 2, HELD_BACK_CAP_MS);
					continue;
				}
				heldBackWait = HELD_BACK_FIRST_MS;
				await this.#wakeup.wait(pollIntervalMs);
			} catch (err) {
				failures++;
				this.#log.warn({ err, attempt: failures }, "relay batch failed; retrying from the stored checkpoint");
				await pause(backoffDelay(failures, RETRY_BASE_MS, RETRY_CAP_MS), this.#stop.signal);
				await this.#settleSaving();
				if (!this.#leadership.held) return;
				this.#checkpoint = await readCheckpoint(this.#leadership.client);
			}
		}
	}

	/**
	 * Starts writing `to` once the previous write has landed, and resolves when that previous
	 * one has: the write overlaps the next batch's send, writes stay in order, and a failed
	 * one stops the relay before it writes again.
	 */
	#saveBehind(to: Checkpoint): Promise<void> {
		const previous = this.#saving;
		this.#saving = previous.then(() => saveCheckpoint(this.#leadership.client, to));
		// Awaited by the next batch or when leading ends; until then not an unhandled rejection.
		this.#saving.catch(() => undefined);
		return previous;
	}

	/** Waits for the checkpoint write in flight; a failed one was reported by the batch after it. */
	async #settleSaving(): Promise<void> {
		await this.#saving.catch((err: unknown) => this.#log.warn({ err }, "relay could not store its last checkpoint"));
		this.#saving = Promise.resolve();
	}

	async #relayBatch(publisher: Publisher, store: ReadAhead): Promise<number> {
		const { checkpoint, count, sent } = await relayBatch(this.#checkpoint, {
			store,
			publisher,
			// Through the session holding the lock: a relay that lost it cannot move the checkpoint.
			saveCheckpoint: (to) => this.#saveBehind(to),
			batchSize: this.#options.settings.relay.batchSize,
			topicPrefix: this.#prefix,
		});
		this.#checkpoint = checkpoint;
		for (const { topic, messages } of sent) this.#metrics.events.inc({ topic }, messages.length);
		return count;
	}
}

import { randomUUID } from "node:crypto";
import { type IHeaders, Kafka, logLevel } from "kafkajs";
import type pg from "pg";
import pino from "pino";
import { Registry } from "prom-client";
import { topicOfModule } from "../../platform/contracts/index.ts";
import { Relay } from "../../platform/relay/index.ts";
import { createEventStoreDb, type EventStoreDb } from "./event-store-db.ts";
import { eventually } from "./node-process.ts";
import { requireServers, SERVERS } from "./servers.ts";

export const testKafka = (brokers = [SERVERS.kafka]) =>
	new Kafka({ clientId: "relay-test", brokers, logLevel: logLevel.NOTHING, retry: { retries: 3 } });

/** A module name no other run uses, so its topic `<module>.events` is fresh. */
export const uniqueModule = (prefix = "relay") => `${prefix}${randomUUID().replaceAll("-", "").slice(0, 10)}`;

export type TestRelay = { relay: Relay; registry: Registry };

/** A relay on the test database, polling fast so that takeovers are quick. */
export function startTestRelay(
	es: EventStoreDb,
	options: { brokers?: string[]; batchSize?: number; pollIntervalMs?: number; topics?: string[]; topicPrefix?: string } = {},
): TestRelay {
	const registry = new Registry();
	const relay = new Relay({
		postgresUrl: es.db.url,
		pool: es.pool,
		store: es.store,
		kafka: testKafka(options.brokers),
		settings: {
			relay: { enabled: true, batchSize: options.batchSize ?? 100, pollIntervalMs: options.pollIntervalMs ?? 200 },
			topicPartitions: 3,
			replicationFactor: 1,
			topicPrefix: options.topicPrefix ?? "",
		},
		topics: options.topics ?? [],
		registry,
		logger: pino({ level: "silent" }),
	});
	relay.start();
	return { relay, registry };
}

/** Waits until the stored checkpoint is past every committed event (commit order, not position order). */
export async function relayCaughtUp(es: Pick<EventStoreDb, "pool">, timeoutMs = 15_000): Promise<void> {
	const waiting = `SELECT EXISTS (SELECT 1 FROM events e, relay_checkpoint c
    WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.position)) AS waiting`;
	await eventually(async () => !(await es.pool.query(waiting)).rows[0].waiting, timeoutMs, "relay caught up");
}

export type Consumed = { partition: number; key: string; headers: Record<string, string>; value: unknown };

/**
 * Reads `topic` from the beginning with a consumer group of its own until at least `count`
 * records arrived, then a little longer so that a duplicate would show.
 */
export async function consumeTopic(topic: string, count: number, timeoutMs = 30_000): Promise<Consumed[]> {
	const consumer = testKafka().consumer({ groupId: `relay-test-${randomUUID()}`, sessionTimeout: 10_000, heartbeatInterval: 500 });
	const records: Consumed[] = [];
	await consumer.connect();
	try {
		await consumer.subscribe({ topic, fromBeginning: true });
		await consumer.run({
			eachMessage: async ({ partition, message }) => {
				records.push({
					partition,
					key: String(message.key),
					headers: headersOf(message.headers),
					value: JSON.parse(String(message.value)),
				});
			},
		});
		await eventually(async () => records.length >= count, timeoutMs, `${count} records on ${topic}`);
		await new Promise((r) => setTimeout(r, 500));
		return records;
	} finally {
		await consumer.disconnect();
	}
}

function headersOf(headers: IHeaders | undefined): Record<string, string> {
	return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name, String(Array.isArray(value) ? value[0] : value)]));
}

/** Deletes the test's topics (and their dead-letter topics); a missing one is fine. */
export async function deleteTopics(topics: string[]): Promise<void> {
	const admin = testKafka().admin();
	await admin.connect();
	try {
		const existing = new Set(await admin.listTopics());
		const present = topics.flatMap((t) => [t, `${t}.dlq`]).filter((t) => existing.has(t));
		if (present.length > 0) await admin.deleteTopics({ topics: present });
	} finally {
		await admin.disconnect();
	}
}

/** The stream versions each key carried, in the order the records arrived. */
export function versionsByStream(records: Consumed[]): Map<string, number[]> {
	const byStream = new Map<string, number[]>();
	for (const r of records) {
		const versions = byStream.get(r.key) ?? [];
		versions.push(Number(r.headers.ce_streamversion));
		byStream.set(r.key, versions);
	}
	return byStream;
}

/**
 * The hooks of a relay suite: servers required, a fresh migrated database per test, its
 * relays stopped and database dropped after it, its topics deleted at the end.
 */
export function relaySuite() {
	let es: EventStoreDb | undefined;
	const relays: TestRelay[] = [];
	const topics: string[] = [];
	beforeAll(() => requireServers("postgres", "kafka"));
	beforeEach(async () => {
		es = await createEventStoreDb();
	});
	afterEach(async () => {
		await Promise.all(relays.splice(0).map((r) => r.relay.stop()));
		await es?.close();
	});
	afterAll(() => deleteTopics(topics));
	return {
		get es(): EventStoreDb {
			if (!es) throw new Error("no test database outside a test");
			return es;
		},
		/** A started relay on this test's database, stopped after the test. */
		relay(options?: Parameters<typeof startTestRelay>[1]): TestRelay {
			const relay = startTestRelay(this.es, options);
			relays.push(relay);
			return relay;
		},
		/** A fresh module name whose topic is deleted after the suite. */
		module(): string {
			const module = uniqueModule();
			topics.push(topicOfModule(module));
			return module;
		},
		/** Registers a topic (by its full name) for deletion after the suite. */
		topic(topic: string): string {
			topics.push(topic);
			return topic;
		},
	};
}

/** The sessions holding the relay lock in the pool's database (at most one). */
export async function relayLockHolders(pool: pg.Pool): Promise<number[]> {
	const { rows } = await pool.query<{ pid: number }>(
		`SELECT pid FROM pg_locks
     WHERE locktype = 'advisory' AND granted AND objsubid = 1
       AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND ((classid::bigint << 32) | objid::bigint) = hashtext('platform.relay')::bigint`,
	);
	return rows.map((r) => r.pid);
}

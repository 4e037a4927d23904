import { randomUUID } from "node:crypto";
import type { Message } from "kafkajs";
import type pg from "pg";
import { toKafkaMessage } from "../platform/eventbus/index.ts";
import { EVENTS_CHANNEL } from "../platform/eventstore/index.ts";
import { ACCOUNTS, CURRENCY, streamOf } from "./ledger-accounts.ts";
import { until } from "./load.ts";
import { createTopic, startBareConsumer, startBareProducer } from "./peers/bare-kafka.ts";
import { type PlatformNode, startPlatformNode } from "./platform-node.ts";
import { median } from "./support.ts";

const EVENTS = 20_000;
const PER_ACCOUNT = EVENTS / ACCOUNTS.length;
const ROUNDS = 3;
const ROUND_TIMEOUT_MS = 60_000;
const TARGET = 0.7;
const PROJECTION = "ledger-accounts";

/**
 * `perAccount` events of every account, interleaved (position order k, account), at versions
 * after `fromVersion`; one statement, so the relay, woken once after it, finds them all committed.
 */
const APPEND_SQL = `
INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata)
SELECT 'ledger-account-' || a.id, $1::int + k, gen_random_uuid(), $3, 1,
  CASE WHEN $3 = 'ledger.AccountOpened' THEN jsonb_build_object('accountId', a.id, 'owner', 'Bench', 'currency', $5::text)
       ELSE jsonb_build_object('accountId', a.id, 'amount', 1, 'currency', $5::text) END,
  jsonb_build_object('correlationId', gen_random_uuid(), 'causationId', gen_random_uuid())
FROM generate_series(1, $2::int) AS k, unnest($4::text[]) WITH ORDINALITY AS a(id, n)
ORDER BY k, a.n`;

type Progress = { applied: number; relayed: number };

const PROGRESS_SQL = `
SELECT COALESCE((SELECT applied FROM projection_progress WHERE projection = $1), 0)::int AS applied,
  (SELECT position FROM relay_checkpoint)::int AS relayed`;

async function progressOf(pool: pg.Pool): Promise<Progress> {
	const { rows } = await pool.query<Progress>(PROGRESS_SQL, [PROJECTION]);
	return rows[0] as Progress;
}

/** The platform side: one round is the time from the commit of EVENTS stored events to the projection having applied them. */
class PlatformPipeline {
	readonly node: PlatformNode;
	#version = 0;
	#applied = 0;

	constructor(node: PlatformNode) {
		this.node = node;
	}

	async #append(type: string, perAccount: number): Promise<number> {
		const { rowCount } = await this.node.pool.query(APPEND_SQL, [this.#version, perAccount, type, ACCOUNTS, CURRENCY]);
		this.#version += perAccount;
		// What the platform's EventStore does after every committed append (AppendNotifier);
		// without it the relay would find the events only at its next poll.
		await this.node.pool.query("SELECT pg_notify($1, '')", [EVENTS_CHANNEL]);
		return rowCount ?? 0;
	}

	/** Waits until the projection has applied `count` more events; also says when the relay had sent them all. */
	async #settled(count: number, started = performance.now()): Promise<{ relayedMs: number }> {
		const { rows } = await this.node.pool.query<{ head: number }>("SELECT max(global_position)::int AS head FROM events");
		const head = rows[0]?.head ?? 0;
		let relayedMs = 0;
		this.#applied += count;
		await until(
			"projection applying every event",
			async () => {
				const progress = await progressOf(this.node.pool);
				if (!relayedMs && progress.relayed >= head) relayedMs = performance.now() - started;
				return progress.applied >= this.#applied;
			},
			ROUND_TIMEOUT_MS,
		);
		return { relayedMs };
	}

	async warmUp(): Promise<void> {
		await this.#settled(await this.#append("ledger.AccountOpened", 1));
		await this.#settled(await this.#append("ledger.MoneyDeposited", 10));
	}

	async round(): Promise<{ perSecond: number; ms: number; relayedMs: number }> {
		await this.#append("ledger.MoneyDeposited", PER_ACCOUNT);
		const started = performance.now();
		const { relayedMs } = await this.#settled(EVENTS, started);
		const ms = performance.now() - started;
		return { perSecond: EVENTS / (ms / 1000), ms, relayedMs };
	}

	/** Zero loss: the projection's count, and the lines it wrote, are every event appended. */
	async applied(): Promise<{ applied: number; lines: number; deadLettered: number }> {
		const { rows } = await this.node.pool.query<{ applied: number; lines: number; dead: number }>(
			`SELECT (SELECT applied FROM projection_progress WHERE projection = $1)::int AS applied,
			 (SELECT dead_lettered FROM projection_progress WHERE projection = $1)::int AS dead,
			 (SELECT count(*) FROM ledger_account_transactions)::int AS lines`,
			[PROJECTION],
		);
		const row = rows[0];
		return { applied: row?.applied ?? 0, lines: row?.lines ?? 0, deadLettered: row?.dead ?? 0 };
	}
}

/** The same records (keys, payloads, headers) as the relay produces for a round's events. */
function recordsOfRound(round: number): Message[] {
	const messages: Message[] = [];
	for (let k = 1; k <= PER_ACCOUNT; k++) {
		for (const accountId of ACCOUNTS) {
			messages.push(
				toKafkaMessage({
					position: round * EVENTS + messages.length + 1,
					streamId: streamOf(accountId),
					version: round * PER_ACCOUNT + k + 1,
					id: randomUUID(),
					type: "ledger.MoneyDeposited",
					schemaVersion: 1,
					data: { accountId, amount: 1, currency: CURRENCY },
					metadata: { correlationId: randomUUID(), causationId: randomUUID() },
					transactionId: "1000",
					recordedAt: new Date(),
				}),
			);
		}
	}
	return messages;
}

/** The peer: a bare producer sends the records in sequential batches of the relay's size; a bare consumer group counts them. */
async function barePipeline(prefix: string, partitions: number, batchSize: number) {
	const topic = `${prefix}bench.pipeline`;
	await createTopic(topic, partitions);
	let received = 0;
	const consumer = await startBareConsumer(`${prefix}bench.pipeline-peer`, topic, (batch) => {
		received += batch.messages.length;
	});
	const producer = await startBareProducer();
	let sent = 0;
	const send = async (messages: Message[]) => {
		for (let i = 0; i < messages.length; i += batchSize) {
			await producer.send({ topic, acks: -1, messages: messages.slice(i, i + batchSize) });
		}
		sent += messages.length;
		await until("bare consumer receiving every record", () => received >= sent, ROUND_TIMEOUT_MS);
	};
	return {
		warmUp: () => send(recordsOfRound(0).slice(0, 10 * ACCOUNTS.length)),
		async round(round: number) {
			const records = recordsOfRound(round);
			const started = performance.now();
			await send(records);
			const ms = performance.now() - started;
			return { perSecond: records.length / (ms / 1000), ms };
		},
		totals: () => ({ sent, received }),
		async close() {
			await producer.disconnect();
			await consumer.disconnect();
		},
	};
}

/**
 * Pipeline throughput: EVENTS events already in the events table move through the relay,
 * Kafka and the ledger's accounts projection, beside a bare kafkajs producer and consumer
 * group moving the same records; alternating rounds, zero loss checked on both sides.
 */
export async function pipelineBench() {
	const node = await startPlatformNode("pipeline", ["bench/nodes/accounts-projection.service.ts"]);
	const { events } = node.platform.config;
	const peer = await barePipeline(node.prefix, events.topicPartitions, events.relay.batchSize);
	try {
		const platform = new PlatformPipeline(node);
		await platform.warmUp();
		await peer.warmUp();
		const platformRuns: Awaited<ReturnType<PlatformPipeline["round"]>>[] = [];
		const peerRuns: Awaited<ReturnType<typeof peer.round>>[] = [];
		for (let round = 1; round <= ROUNDS; round++) {
			platformRuns.push(await platform.round());
			peerRuns.push(await peer.round(round));
		}
		const expected = ROUNDS * EVENTS + 11 * ACCOUNTS.length;
		const applied = await platform.applied();
		const bare = peer.totals();
		const lossless = applied.applied === expected && applied.lines === expected - ACCOUNTS.length && bare.received === bare.sent;
		const ratio = median(platformRuns.map((r) => r.perSecond)) / median(peerRuns.map((r) => r.perSecond));
		return {
			name: "pipeline",
			rows: [
				{
					path: `store -> relay -> Kafka -> accounts projection (${EVENTS} events)`,
					eventsPerSecondMedian: Math.round(median(platformRuns.map((r) => r.perSecond))),
					msMedian: Math.round(median(platformRuns.map((r) => r.ms))),
					relayDoneMsMedian: Math.round(median(platformRuns.map((r) => r.relayedMs))),
					zeroLoss: `${applied.applied} applied, ${applied.lines} lines, ${applied.deadLettered} dead-lettered of ${expected}`,
				},
				{
					path: `bare kafkajs producer (batches of ${events.relay.batchSize}) -> consumer group`,
					eventsPerSecondMedian: Math.round(median(peerRuns.map((r) => r.perSecond))),
					msMedian: Math.round(median(peerRuns.map((r) => r.ms))),
					zeroLoss: `${bare.received} received of ${bare.sent}`,
				},
			],
			ratios: { eventsPerSecondVsBare: +ratio.toFixed(2) },
			targets: { eventsPerSecondVsBareAtLeast: TARGET, zeroLoss: true },
			met: ratio >= TARGET && lossless,
		};
	} finally {
		await peer.close();
		await node.stop();
	}
}

import { randomUUID } from "node:crypto";
import type { ServiceBroker } from "moleculer";
import { toKafkaMessage } from "../platform/eventbus/index.ts";
import { AppliedTracker } from "./applied-tracker.ts";
import { ACCOUNTS, depositOf, openAccounts, streamOf } from "./ledger-accounts.ts";
import { openLoop, until } from "./load.ts";
import { createTopic, startBareConsumer, startBareProducer } from "./peers/bare-kafka.ts";
import { startPlatformNode } from "./platform-node.ts";
import { median, percentile } from "./support.ts";

const RATE = 500;
const ROUND_MS = 10_000;
const ROUNDS = 3;
const WARMUP_MS = 2_000;
/**
 * At most one second of calls in flight: beyond that the load generator sheds the call (and
 * counts it) instead of queueing, so an overloaded side shows a lower achieved rate and its
 * backlog never spills into the next round.
 */
const MAX_IN_FLIGHT = RATE;
/** How long after the last send a round waits for stragglers before counting them lost. */
const DRAIN_MS = 10_000;
const TARGET_P99_MS = 50;
const PROJECTION = "ledger-accounts";

type Round = { p50: number; p95: number; p99: number; max: number; achievedPerSecond: number; shed: number; failed: number; lost: number };

/**
 * Fires RATE calls a second for `ms`; each reports its latency from when it was due. Achieved
 * rate: completed calls per second from the first send to the last completion.
 */
async function measure(ms: number, call: (i: number, intendedAt: number) => Promise<number>): Promise<Round> {
	const latencies: number[] = [];
	let failed = 0;
	let shed = 0;
	let inFlight = 0;
	const started = performance.now();
	let lastDone = started;
	await openLoop(RATE, ms, (i, intendedAt) => {
		if (inFlight >= MAX_IN_FLIGHT) {
			shed++;
			return;
		}
		inFlight++;
		call(i, intendedAt)
			.then(
				(latency) => latencies.push(latency),
				() => failed++,
			)
			.finally(() => {
				inFlight--;
				lastDone = performance.now();
			});
	});
	await until("calls in flight to settle", () => inFlight === 0, DRAIN_MS).catch(() => undefined);
	return {
		p50: percentile(latencies, 50),
		p95: percentile(latencies, 95),
		p99: percentile(latencies, 99),
		max: Math.max(...latencies),
		achievedPerSecond: latencies.length / ((lastDone - started) / 1000),
		shed,
		failed,
		lost: inFlight,
	};
}

/** Command sent -> the accounts projection has applied its event (reply's stream and version, heard from the node). */
function commandToProjection(broker: ServiceBroker, tracker: AppliedTracker) {
	return async (i: number, intendedAt: number) => {
		const accountId = ACCOUNTS[i % ACCOUNTS.length] as string;
		const reply = await broker.call<{ streamId: string; version: number }, object>("ledger.deposit", depositOf(accountId));
		return (await tracker.appliedAt(reply.streamId, reply.version)) - intendedAt;
	};
}

/** The peer: a bare producer sends the same record (acks from all replicas), a bare consumer group receives it. */
async function bareRoundTrip(prefix: string, partitions: number) {
	const topic = `${prefix}bench.latency`;
	await createTopic(topic, partitions);
	const pending = new Map<string, (at: number) => void>();
	const consumer = await startBareConsumer(`${prefix}bench.latency-peer`, topic, (batch) => {
		const at = performance.now();
		for (const message of batch.messages) pending.get(String(message.headers?.ce_id))?.(at);
	});
	const producer = await startBareProducer();
	return {
		call: async (i: number, intendedAt: number) => {
			const accountId = ACCOUNTS[i % ACCOUNTS.length] as string;
			const id = randomUUID();
			const received = new Promise<number>((resolve) => pending.set(id, resolve));
			const message = toKafkaMessage({
				position: i + 1,
				streamId: streamOf(accountId),
				version: i + 2,
				id,
				type: "ledger.MoneyDeposited",
				schemaVersion: 1,
				data: depositOf(accountId),
				metadata: { correlationId: randomUUID(), causationId: randomUUID() },
				transactionId: "1000",
				recordedAt: new Date(),
			});
			await producer.send({ topic, acks: -1, messages: [message] });
			const at = await received;
			pending.delete(id);
			return at - intendedAt;
		},
		async close() {
			await producer.disconnect();
			await consumer.disconnect();
		},
	};
}

const row = (path: string, rounds: Round[]) => {
	const m = (key: keyof Round) => +median(rounds.map((r) => r[key])).toFixed(1);
	const sum = (key: keyof Round) => rounds.reduce((total, r) => total + r[key], 0);
	return {
		path,
		p50Ms: m("p50"),
		p95Ms: m("p95"),
		p99Ms: m("p99"),
		maxMs: m("max"),
		achievedPerSecond: Math.round(m("achievedPerSecond")),
		shed: sum("shed"),
		failed: sum("failed"),
		lost: sum("lost"),
	};
};

/**
 * Command-to-projection latency at a steady RATE: from when a `ledger.deposit` was due to
 * the node hearing that the accounts projection's transaction that applied its event committed, beside a bare
 * kafkajs produce -> consume round trip at the same rate; alternating rounds, medians of the
 * rounds' percentiles.
 */
export async function latencyBench() {
	const node = await startPlatformNode("latency", ["services/ledger/ledger.service.ts"]);
	const tracker = new AppliedTracker(node.platform.container.resolve("appliedSignal"), PROJECTION);
	const peer = await bareRoundTrip(node.prefix, node.platform.config.events.topicPartitions);
	try {
		await openAccounts(node.broker);
		await Promise.all(ACCOUNTS.map((a) => tracker.appliedAt(streamOf(a), 1)));
		const platformCall = commandToProjection(node.broker, tracker);
		await measure(WARMUP_MS, platformCall);
		await measure(WARMUP_MS, peer.call);
		const platformRounds: Round[] = [];
		const peerRounds: Round[] = [];
		for (let round = 0; round < ROUNDS; round++) {
			platformRounds.push(await measure(ROUND_MS, platformCall));
			peerRounds.push(await measure(ROUND_MS, peer.call));
		}
		const platform = row(`ledger.deposit -> relay -> Kafka -> accounts projection at ${RATE}/s`, platformRounds);
		const bare = row(`bare kafkajs produce -> consume at ${RATE}/s`, peerRounds);
		return {
			name: "latency",
			rows: [platform, bare],
			ratios: { p50VsBare: +(platform.p50Ms / bare.p50Ms).toFixed(2), p99VsBare: +(platform.p99Ms / bare.p99Ms).toFixed(2) },
			targets: { p99MsUnder: TARGET_P99_MS, rate: RATE },
			met:
				platform.p99Ms < TARGET_P99_MS &&
				platform.achievedPerSecond >= RATE * 0.98 &&
				platform.shed + platform.failed + platform.lost === 0,
		};
	} finally {
		await peer.close();
		tracker.close();
		await node.stop();
	}
}

import type { Kafka } from "kafkajs";
import type pg from "pg";
import type { KafkaNames } from "../eventbus/index.ts";
import type { Projection } from "./projection.ts";

export type ProjectionStatus = {
	name: string;
	group: string;
	/** Highest global position applied (of the event types it handles). */
	position: number;
	/** Events of the types it handles stored beyond that position. */
	lagPositions: number;
	/** Age of the oldest of those events; 0 when it is caught up. */
	lagSeconds: number;
	/** Records not yet consumed, per topic and partition; null without Kafka (the embedded profile) or when it could not say (see kafkaError). */
	lagMessages: { topic: string; partition: number; lag: number }[] | null;
	kafkaError: string | null;
	applied: number;
	deadLettered: number;
	parked: number;
	lastError: string | null;
	updatedAt: Date | null;
};

type ProgressRow = { last_position: string; applied: string; dead_lettered: string; last_error: string | null; updated_at: Date };

/**
 * Where a projection stands: in the event store, on Kafka (under the names its consumer group
 * uses) when there is one, and in errors. Kafka being away or a topic not created yet leaves
 * the store's side of the answer intact.
 */
export async function projectionStatus(
	projection: Projection,
	names: KafkaNames,
	pool: pg.Pool,
	kafka: Kafka | undefined,
): Promise<ProjectionStatus> {
	const lag = kafka
		? kafkaLag(kafka, names).then(
				(lagMessages) => ({ lagMessages, kafkaError: null }),
				(err: Error) => ({ lagMessages: null, kafkaError: err.message }),
			)
		: { lagMessages: null, kafkaError: null };
	const [progress, parked] = await Promise.all([
		pool.query<ProgressRow>(
			"SELECT last_position, applied, dead_lettered, last_error, updated_at FROM projection_progress WHERE projection = $1",
			[projection.name],
		),
		pool.query<{ n: number }>("SELECT count(*)::int AS n FROM projection_dead_letters WHERE projection = $1", [projection.name]),
	]);
	const row = progress.rows[0];
	const position = Number(row?.last_position ?? 0);
	// Only events it handles move a projection's position, so only those count as behind.
	const behind = await pool.query<{ n: number; seconds: number }>(
		`SELECT count(*)::int AS n,
		        COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - min(recorded_at)), 0)::float8 AS seconds
		 FROM events WHERE global_position > $1 AND type = ANY($2)`,
		[position, Object.keys(projection.handlers)],
	);
	return {
		name: projection.name,
		group: names.group,
		position,
		lagPositions: behind.rows[0]?.n ?? 0,
		lagSeconds: Math.max(0, behind.rows[0]?.seconds ?? 0),
		...(await lag),
		applied: Number(row?.applied ?? 0),
		deadLettered: Number(row?.dead_lettered ?? 0),
		parked: parked.rows[0]?.n ?? 0,
		lastError: row?.last_error ?? null,
		updatedAt: row?.updated_at ?? null,
	};
}

type PartitionLag = NonNullable<ProjectionStatus["lagMessages"]>[number];

async function kafkaLag(kafka: Kafka, { group, topics }: KafkaNames): Promise<PartitionLag[]> {
	const admin = kafka.admin();
	await admin.connect();
	try {
		const committed = await admin.fetchOffsets({ groupId: group, topics });
		const lag: PartitionLag[] = [];
		for (const { topic, partitions } of committed) {
			const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
			for (const p of partitions) {
				// -1 means the group has committed nothing on this partition yet.
				const done = Math.max(0, Number(p.offset));
				lag.push({ topic, partition: p.partition, lag: Math.max(0, (ends.get(p.partition) ?? 0) - done) });
			}
		}
		return lag;
	} finally {
		await admin.disconnect();
	}
}

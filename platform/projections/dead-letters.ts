import type pg from "pg";
import type { Projection } from "./projection.ts";

export type DeadLetter = {
	eventId: string;
	position: number;
	streamId: string;
	version: number;
	type: string;
	error: string;
	attempts: number;
	parkedAt: Date;
};

type DeadLetterRow = {
	event_id: string;
	position: string;
	stream_id: string;
	version: number;
	type: string;
	error: string;
	attempts: number;
	parked_at: Date;
};

/** The events a projection parked after their last attempt, oldest first (what `replayDeadLetters` would apply). */
export async function deadLettersOf(projection: Projection, pool: pg.Pool, limit: number): Promise<DeadLetter[]> {
	const { rows } = await pool.query<DeadLetterRow>(
		`SELECT event_id, position, stream_id, version, type, error, attempts, parked_at
		 FROM projection_dead_letters WHERE projection = $1 ORDER BY position LIMIT $2`,
		[projection.name, limit],
	);
	return rows.map((r) => ({
		eventId: r.event_id,
		position: Number(r.position),
		streamId: r.stream_id,
		version: r.version,
		type: r.type,
		error: r.error,
		attempts: r.attempts,
		parkedAt: r.parked_at,
	}));
}

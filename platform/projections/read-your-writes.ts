import type pg from "pg";
import { NotFoundError, UnavailableError } from "../errors/index.ts";
import type { EventStore } from "../eventstore/index.ts";
import type { AppliedSignal } from "./applied-signal.ts";
import type { Projection } from "./projection.ts";

/** Between reads of the inbox, unless this process's consumer commits the stream sooner. */
const POLL_MS = 10;

/**
 * Waits until a projection has applied the event at `position` (what a command replied) and
 * everything before it in that stream, so a query right after a command sees its effect.
 * The projection only records events it handles, so what it must reach is the stream's
 * latest version up to that event of a type it handles (none: nothing to wait for). Then its
 * inbox for the stream is read until it gets there or `timeoutMs` passes (503, the read
 * model is behind): again when this process's consumer commits the stream, else every POLL_MS.
 */
export async function waitForPosition(
	pool: pg.Pool,
	store: EventStore,
	signal: AppliedSignal,
	projection: Projection,
	position: number,
	timeoutMs: number,
): Promise<void> {
	const event = await store.eventAt(position);
	if (!event) throw new NotFoundError(`No event at position ${position}`, { position });
	const { rows: due } = await pool.query<{ version: number | null }>(
		"SELECT max(stream_version) AS version FROM events WHERE stream_id = $1 AND stream_version <= $2 AND type = ANY($3)",
		[event.streamId, event.version, Object.keys(projection.handlers)],
	);
	const version = due[0]?.version;
	if (version == null) return;
	const deadline = performance.now() + timeoutMs;
	for (;;) {
		const { rows } = await pool.query<{ version: number }>(
			"SELECT version FROM projection_inbox WHERE projection = $1 AND stream_id = $2",
			[projection.name, event.streamId],
		);
		if ((rows[0]?.version ?? 0) >= version) return;
		if (performance.now() >= deadline) {
			throw new UnavailableError(
				`Read model ${projection.name} has not reached position ${position} after ${timeoutMs} ms; retry shortly`,
				"READ_MODEL_BEHIND",
				{
					projection: projection.name,
					position,
				},
			);
		}
		await signal.wait(projection.name, event.streamId, version, Math.min(POLL_MS, deadline - performance.now()));
	}
}

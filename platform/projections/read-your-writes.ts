import type pg from "pg";
import { NotFoundError, UnavailableError } from "../errors/index.ts";
import type { EventStore } from "../eventstore/index.ts";
import { sleep } from "../retry/index.ts";

const POLL_MS = 10;

/**
 * Waits until a projection has applied the event at `position` (what a command replied), so
 * a query right after a command sees its effect. The event's stream and version are looked
 * up once; then the projection's inbox for that stream is polled until it reaches the
 * version or `timeoutMs` passes (503, the read model is behind).
 */
export async function waitForPosition(
	pool: pg.Pool,
	store: EventStore,
	projection: string,
	position: number,
	timeoutMs: number,
): Promise<void> {
	const event = await store.eventAt(position);
	if (!event) throw new NotFoundError(`No event at position ${position}`, { position });
	const deadline = performance.now() + timeoutMs;
	for (;;) {
		const { rows } = await pool.query<{ version: number }>(
			"SELECT version FROM projection_inbox WHERE projection = $1 AND stream_id = $2",
			[projection, event.streamId],
		);
		if ((rows[0]?.version ?? 0) >= event.version) return;
		if (performance.now() >= deadline) {
			throw new UnavailableError(
				`Read model ${projection} has not reached position ${position} after ${timeoutMs} ms; retry shortly`,
				"READ_MODEL_BEHIND",
				{
					projection,
					position,
				},
			);
		}
		await sleep(POLL_MS);
	}
}

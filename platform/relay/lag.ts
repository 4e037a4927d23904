import type pg from "pg";

/** How far the relay is behind the event store. */
export type RelayLag = { positions: number; seconds: number };

/**
 * Positions: the head global position minus the checkpoint's, and 0 when no committed event
 * waits beyond the checkpoint (after a late commit the checkpoint's position can sit below
 * the head with nothing left to send; a waiting event counts at least 1). Seconds: the age
 * of the next committed event the relay has not published yet (also one held back behind a
 * transaction still in flight), 0 when it is caught up. The checkpoint goes into `waiting` as
 * values, not as a join: joined, its comparison was a filter over the whole commit-order
 * index instead of where the index scan starts, and a caught-up relay's lag read every event.
 */
export const LAG_SQL = `
WITH c AS (SELECT transaction_id, position FROM relay_checkpoint),
waiting AS (
  SELECT e.recorded_at
  FROM events e
  WHERE (e.transaction_id, e.global_position) > ((SELECT transaction_id FROM c), (SELECT position FROM c))
  ORDER BY e.transaction_id, e.global_position
  LIMIT 1)
SELECT
  CASE WHEN EXISTS (SELECT 1 FROM waiting)
    THEN GREATEST((SELECT MAX(global_position) FROM events) - c.position, 1) ELSE 0 END AS positions,
  COALESCE(GREATEST(EXTRACT(EPOCH FROM clock_timestamp() - (SELECT recorded_at FROM waiting)), 0), 0) AS seconds
FROM c`;

/** Reads the relay's lag from the database (any node can, active or not). */
export async function readLag(pool: Pick<pg.Pool, "query">): Promise<RelayLag> {
	const { rows } = await pool.query<{ positions: string; seconds: string }>(LAG_SQL);
	const row = rows[0];
	return { positions: Number(row?.positions ?? 0), seconds: Number(row?.seconds ?? 0) };
}

import { EVENT_COLUMNS } from "./rows.ts";

// The event store's reads, apart from the class that runs them so that their plans can be
// checked: read-plans.test.ts EXPLAINs each as Postgres plans it for any parameters (a named
// statement gets a generic plan after five runs) and expects an index to serve it.

/**
 * Events beyond the checkpoint in commit order, stopping below the oldest transaction still
 * in flight: every transaction under pg_snapshot_xmin has ended, so nothing can appear later
 * before what this returns. The ORDER BY names the table's column: a bare `transaction_id`
 * would be EVENT_COLUMNS' text alias, whose order is not commit order ('100' < '99') and
 * which no index serves.
 */
export const READ_ALL = {
	name: "eventstore.read-all",
	text: `
SELECT ${EVENT_COLUMNS} FROM events
WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
  AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY events.transaction_id, events.global_position
LIMIT $3`,
};

/**
 * Committed events after the checkpoint, whether or not readAll may return them yet. Asked
 * as "the first one in commit order": as EXISTS, the generic plan of this named statement
 * was a sequential scan, which finds nothing, so a relay that had caught up read the whole
 * table each time it asked.
 */
export const ANY_AFTER = {
	name: "eventstore.any-after",
	text: `
SELECT (SELECT global_position FROM events
        WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
        ORDER BY events.transaction_id, events.global_position
        LIMIT 1) IS NOT NULL AS any`,
};

export const READ_STREAM = {
	name: "eventstore.read-stream",
	text: `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version`,
};

/** Where the store ends in commit order. Ordered by the column, not its text alias (see READ_ALL). */
export const HEAD = {
	text: "SELECT transaction_id::text AS transaction_id, global_position FROM events ORDER BY events.transaction_id DESC, events.global_position DESC LIMIT 1",
};

export const EVENT_AT = { text: `SELECT ${EVENT_COLUMNS} FROM events WHERE global_position = $1` };

/** A delivery as stored (webhook_deliveries, migrations/webhooks) and as callers see it. */
export type DeliveryRow = {
	id: string;
	subscription_id: string;
	event_id: string;
	event_type: string;
	state: string;
	attempts: number;
	last_status: number | null;
	last_error: string | null;
	last_latency_ms: number | null;
	created_at: Date;
	updated_at: Date;
};
export const DELIVERY_COLUMNS =
	"id, subscription_id, event_id, event_type, state, attempts, last_status, last_error, last_latency_ms, created_at, updated_at";
export const deliveryView = (r: DeliveryRow) => ({
	id: r.id,
	subscriptionId: r.subscription_id,
	eventId: r.event_id,
	eventType: r.event_type,
	state: r.state,
	attempts: r.attempts,
	lastStatus: r.last_status,
	lastError: r.last_error,
	lastLatencyMs: r.last_latency_ms,
	createdAt: r.created_at,
	updatedAt: r.updated_at,
});

/**
 * The newest deliveries, optionally of one subscription and in one state. Each filter has an
 * index that yields its rows newest first (migrations/webhooks/002), so a page reads `limit`
 * rows instead of sorting the table; succeeded deliveries, the bulk of it, are read off the
 * time index and passed over.
 */
export const DELIVERIES_PAGE_SQL = `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries
	 WHERE ($1::uuid IS NULL OR subscription_id = $1) AND ($2::text IS NULL OR state = $2)
	 ORDER BY created_at DESC LIMIT $3`;

import type pg from "pg";

/**
 * Live applies of a projection hold its advisory lock shared; a rebuild takes it exclusively
 * for its last catch-up and the swap, so no live event lands between the two.
 */
export const projectionLockKey = (projection: string) => `projection:${projection}`;

/** Takes the lock shared, in a statement of its own (a replay of dead letters). */
export async function lockForApply(client: pg.PoolClient, projection: string): Promise<void> {
	await client.query({
		name: "projections.lock-for-apply",
		text: "SELECT pg_advisory_xact_lock_shared(hashtext($1))",
		values: [projectionLockKey(projection)],
	});
}

/**
 * The same shared lock as a condition of a statement's WHERE, with projectionLockKey as
 * parameter `param`: a live apply takes it in its first statement, not a round trip of its own.
 * An uncorrelated subquery is an InitPlan and a condition without columns a one-time filter:
 * Postgres evaluates it before the scan, so the lock is held before any row is read or locked,
 * whether or not any row matches.
 */
export const applyLockCondition = (param: string) => `(SELECT pg_advisory_xact_lock_shared(hashtext(${param}))) IS NOT NULL`;

export async function lockForSwap(client: pg.PoolClient, projection: string): Promise<void> {
	await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [projectionLockKey(projection)]);
}

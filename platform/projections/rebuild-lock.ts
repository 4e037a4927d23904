import type pg from "pg";

/**
 * Live applies of a projection hold this lock shared; a rebuild takes it exclusively for its
 * last catch-up and the swap, so no live event lands between the two.
 */
export async function lockForApply(client: pg.PoolClient, projection: string): Promise<void> {
	await client.query({
		name: "projections.lock-for-apply",
		text: "SELECT pg_advisory_xact_lock_shared(hashtext($1))",
		values: [`projection:${projection}`],
	});
}

export async function lockForSwap(client: pg.PoolClient, projection: string): Promise<void> {
	await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`projection:${projection}`]);
}

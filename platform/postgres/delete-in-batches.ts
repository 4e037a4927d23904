import type pg from "pg";

/**
 * Runs a DELETE that takes its batch size as its last parameter until one deletes fewer
 * rows than that; the number deleted. Batches keep each transaction, and the locks and WAL of
 * a purge that finds a large backlog, small.
 */
export async function deleteInBatches(pool: Pick<pg.Pool, "query">, sql: string, values: unknown[], batch: number): Promise<number> {
	let total = 0;
	for (;;) {
		const { rowCount } = await pool.query(sql, [...values, batch]);
		total += rowCount ?? 0;
		if ((rowCount ?? 0) < batch) return total;
	}
}

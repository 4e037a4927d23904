import pg from "pg";

export type ProbeRun = { job: string; marker: string; attempt: number; pid: number; started_at: Date; finished_at: Date | null };

/** The table the job-probe fixture records its runs in. */
export async function createProbeTable(url: string): Promise<void> {
	await withClient(url, (c) =>
		c.query(`CREATE TABLE probe_runs (
			id serial PRIMARY KEY, job text NOT NULL, marker text NOT NULL, attempt int NOT NULL, pid int NOT NULL,
			started_at timestamptz NOT NULL DEFAULT clock_timestamp(), finished_at timestamptz)`),
	);
}

/** The fixture's runs for one marker, in the order they started. */
export async function probeRuns(url: string, marker: string): Promise<ProbeRun[]> {
	return withClient(url, async (c) => (await c.query<ProbeRun>("SELECT * FROM probe_runs WHERE marker = $1 ORDER BY id", [marker])).rows);
}

/** A job's state as pg-boss stores it (schema `pgboss`), read past the platform. */
export async function jobState(url: string, id: string): Promise<string | undefined> {
	return withClient(
		url,
		async (c) => (await c.query<{ state: string }>("SELECT state FROM pgboss.job WHERE id = $1", [id])).rows[0]?.state,
	);
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		return await fn(client);
	} finally {
		await client.end();
	}
}

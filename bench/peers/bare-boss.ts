import { PgBoss } from "pg-boss";

export const BARE_QUEUE = "bare.noop";

/**
 * The jobs benchmark's peer: pg-boss used directly, the way a team without the platform
 * would, with the same pool, concurrency, polling and LISTEN/NOTIFY as the platform's queue.
 */
export async function startBareBoss(
	url: string,
	settings: { poolMax: number; concurrency: number; pollIntervalSeconds: number },
	started: (seq: number) => void,
): Promise<PgBoss> {
	const boss = new PgBoss({ connectionString: url, schema: "bare_boss", max: settings.poolMax, useListenNotify: true });
	boss.on("error", () => undefined);
	await boss.start();
	await boss.createQueue(BARE_QUEUE, { retryLimit: 4, retryDelay: 1, retryBackoff: true, expireInSeconds: 60, notify: true });
	// One worker per slot that fetches again at once after a job, as the platform's queue does.
	for (let slot = 0; slot < settings.concurrency; slot++) {
		let workerId = "";
		workerId = await boss.work<{ seq: number }>(
			BARE_QUEUE,
			{
				pollingIntervalSeconds: settings.pollIntervalSeconds,
				notifyPollingIntervalSeconds: settings.pollIntervalSeconds,
			},
			async ([job]) => {
				if (job) started(job.data.seq);
				if (job) boss.notifyWorker(workerId);
			},
		);
	}
	return boss;
}

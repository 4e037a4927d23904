import { ACCOUNTS, depositOf, openAccounts, streamOf } from "./ledger-accounts.ts";
import { closedLoop, type Throughput } from "./load.ts";
import { PlainInserts } from "./peers/plain-inserts.ts";
import { startPlatformNode } from "./platform-node.ts";
import { median } from "./support.ts";

const ROUNDS = 3;
const ROUND_MS = 2_500;
const WARMUP_MS = 1_000;
const CONCURRENCY = 32;
const TARGET = 0.8;

/** Worker w takes the accounts w, w + 32, ... in turn, so no two commands race on one stream. */
const accountOf = (worker: number, i: number): string => {
	const own = ACCOUNTS.filter((_, a) => a % CONCURRENCY === worker);
	return own[i % own.length] as string;
};

const row = (path: string, runs: Throughput[]) => ({
	path,
	perSecondMedian: Math.round(median(runs.map((r) => r.perSecond))),
	benchProcessCpuUsPerOpMedian: Math.round(median(runs.map((r) => r.cpuUsPerOp))),
});

/**
 * Append throughput: single-event commands (`ledger.deposit`) through an in-process platform
 * broker beside plain INSERTs of the same rows into an identical events table, with the same
 * concurrency and pool size, alternating rounds. The relay is off: this is the append path.
 */
export async function appendBench() {
	const node = await startPlatformNode("append", ["services/ledger/ledger.service.ts"], { PLATFORM_EVENTS__RELAY__ENABLED: "false" });
	const poolMax = node.platform.config.postgres.poolMax;
	const peer = await PlainInserts.create(poolMax);
	try {
		await openAccounts(node.broker);
		for (const accountId of ACCOUNTS) {
			await peer.insert(streamOf(accountId), "ledger.AccountOpened", { accountId, owner: "Bench", currency: "EUR" });
		}
		const command = (w: number, i: number) => node.broker.call("ledger.deposit", depositOf(accountOf(w, i)));
		const insert = (w: number, i: number) => {
			const accountId = accountOf(w, i);
			return peer.insert(streamOf(accountId), "ledger.MoneyDeposited", depositOf(accountId));
		};
		const paths = [command, insert];
		for (const path of paths) await closedLoop(CONCURRENCY, WARMUP_MS, path);
		const runs: Throughput[][] = paths.map(() => []);
		for (let round = 0; round < ROUNDS; round++) {
			for (const [p, path] of paths.entries()) runs[p]?.push(await closedLoop(CONCURRENCY, ROUND_MS, path));
		}
		const [commands = [], inserts = []] = runs;
		const ratio = median(commands.map((r) => r.perSecond)) / median(inserts.map((r) => r.perSecond));
		return {
			name: "append",
			rows: [
				row(`ledger.deposit via broker (concurrency ${CONCURRENCY}, relay off)`, commands),
				row(`plain INSERT into events (concurrency ${CONCURRENCY}, pg pool of ${poolMax})`, inserts),
			],
			ratios: { commandsVsInserts: +ratio.toFixed(2) },
			targets: { commandsVsInsertsAtLeast: TARGET },
			met: ratio >= TARGET,
		};
	} finally {
		await peer.close();
		await node.stop();
	}
}

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, type TestDatabase } from "../test/support/database.ts";
import { requestJson } from "../test/support/http.ts";
import { type NodeProcess, startNode } from "../test/support/node-process.ts";
import { freePort } from "../test/support/ports.ts";
import { signedIn } from "../test/support/tokens.ts";
import { closedLoop } from "./load.ts";
import { deleteTopicsAndGroups } from "./peers/bare-kafka.ts";
import { median, RUNNER, type Started, spawnUntilReady } from "./support.ts";

const START_RUNS = 5;
const IDLE_MS = 2_000;
const TARGET_READY_MS = 3_000;
const CONCURRENCY = 16;
const ROUND_MS = 4_000;
const WARMUP_MS = 1_500;
const ROUNDS = 3;

/**
 * `npm start` itself, as a new user runs it (npm's own start-up included): development,
 * embedded profile, data in `dataDir`.
 */
async function embeddedStart(dataDir: string): Promise<Started> {
	const npm = process.env.npm_execpath;
	if (!npm) throw new Error("run the benchmarks through npm (npm run bench), which names its own CLI in npm_execpath");
	const [api, grpc, ops] = [await freePort(), await freePort(), await freePort()];
	return spawnUntilReady(
		[npm, "start"],
		{
			PLATFORM_ENV: "development",
			PLATFORM_PROFILE: "embedded",
			PLATFORM_EMBEDDED__DATA_DIR: dataDir,
			PLATFORM_LOG__LEVEL: "warn",
			PLATFORM_API__PORT: String(api),
			PLATFORM_GRPC__PORT: String(grpc),
			PLATFORM_OPS__PORT: String(ops),
		},
		`http://127.0.0.1:${ops}/readyz`,
	);
}

async function bareStart(): Promise<Started> {
	const port = await freePort();
	return spawnUntilReady(
		[RUNNER, "--config", "bench/peers/bare.config.ts", "bench/peers/bare-api.service.ts"],
		{ BARE_PORT: String(port) },
		`http://127.0.0.1:${port}/api/v1/ping`,
	);
}

type Samples = { ready: number[]; rss: number[] };

/** Measures one start: time to ready, then resident memory after idling. */
async function sample(start: () => Promise<Started>, into: Samples): Promise<void> {
	const node = await start();
	into.ready.push(node.readyMs);
	await new Promise((r) => setTimeout(r, IDLE_MS));
	into.rss.push(node.rssMb());
	await node.stop();
}

/**
 * `npm start` on a new data folder (a first start: template copied, migrations applied), then
 * restarted on it, each beside a bare Moleculer node's start.
 */
async function startup() {
	const dataDirs: string[] = [];
	const first: Samples = { ready: [], rss: [] };
	const restart: Samples = { ready: [], rss: [] };
	const bare: Samples = { ready: [], rss: [] };
	try {
		for (let i = 0; i < START_RUNS; i++) {
			const dataDir = mkdtempSync(join(tmpdir(), "bench-embedded-"));
			dataDirs.push(dataDir);
			await sample(() => embeddedStart(dataDir), first);
			await sample(() => embeddedStart(dataDir), restart);
			await sample(bareStart, bare);
		}
		return { first, restart, bare };
	} finally {
		for (const dataDir of dataDirs) rmSync(dataDir, { recursive: true, force: true });
	}
}

type Target = { node: NodeProcess; base: string; admin: { authorization: string } };

async function ok(answer: Promise<{ status: number; body: Record<string, unknown> }>): Promise<Record<string, unknown>> {
	const { status, body } = await answer;
	if (status !== 200) throw new Error(`answered ${status}: ${JSON.stringify(body)}`);
	return body;
}

/** Opens one account per load worker, so that concurrent deposits never contend for a stream. */
async function prepared(node: NodeProcess): Promise<Target> {
	const base = `http://127.0.0.1:${node.apiPort}/api/v1`;
	const admin = await signedIn(`http://127.0.0.1:${node.apiPort}`);
	for (let w = 0; w < CONCURRENCY; w++) {
		const { position } = await ok(
			requestJson(`${base}/ledger/accounts`, { headers: admin, body: { accountId: `bench-${w}`, owner: "Ada", currency: "EUR" } }),
		);
		// The load reads without a position, so each account must be in the read model first.
		await ok(requestJson(`${base}/ledger/accounts/bench-${w}?position=${position}`, { headers: admin }));
	}
	return { node, base, admin };
}

/** An authenticated read through the whole pipeline (cache hit after the first). */
const read = (t: Target) => (w: number) => ok(requestJson(`${t.base}/ledger/accounts/bench-${w}`, { headers: t.admin }));

/** A deposit, then a read of that very write: command, event store, event bus, projection, query. */
const writeThenRead = (t: Target) => async (w: number) => {
	const deposit = ok(
		requestJson(`${t.base}/ledger/accounts/bench-${w}/deposits`, { headers: t.admin, body: { amount: 1, currency: "EUR" } }),
	);
	const { position } = await deposit;
	await ok(requestJson(`${t.base}/ledger/accounts/bench-${w}?position=${position}`, { headers: t.admin }));
};

/** Operations per second of each task, rounds alternating between them so that none gets a quieter machine. */
async function rounds(tasks: Record<string, (w: number) => Promise<unknown>>): Promise<Record<string, number>> {
	const results: Record<string, number[]> = Object.fromEntries(Object.keys(tasks).map((name) => [name, []]));
	for (const task of Object.values(tasks)) await closedLoop(CONCURRENCY, WARMUP_MS, task);
	for (let round = 0; round < ROUNDS; round++) {
		for (const [name, task] of Object.entries(tasks)) results[name]?.push((await closedLoop(CONCURRENCY, ROUND_MS, task)).perSecond);
	}
	return Object.fromEntries(Object.entries(results).map(([name, values]) => [name, Math.round(median(values))]));
}

/** The same REST load on the embedded profile and on the servers profile, each node its own process. */
async function restOnBothProfiles() {
	const dataDir = mkdtempSync(join(tmpdir(), "bench-embedded-rest-"));
	let db: TestDatabase | undefined;
	const nodes: NodeProcess[] = [];
	try {
		db = await createTestDatabase("bench_embedded");
		const quiet = { PLATFORM_LOG__LEVEL: "warn" };
		nodes.push(await startNode({ env: { ...quiet, PLATFORM_PROFILE: "embedded", PLATFORM_EMBEDDED__DATA_DIR: dataDir } }));
		nodes.push(await startNode({ env: { ...quiet, PLATFORM_POSTGRES__URL: db.url, PLATFORM_REDIS__KEY_PREFIX: `${db.name}.` } }));
		const [embedded, servers] = [await prepared(nodes[0] as NodeProcess), await prepared(nodes[1] as NodeProcess)];
		return await rounds({
			embeddedRead: read(embedded),
			serversRead: read(servers),
			embeddedWriteThenRead: writeThenRead(embedded),
			serversWriteThenRead: writeThenRead(servers),
		});
	} finally {
		await Promise.all(nodes.map((n) => n.stop()));
		if (db) {
			await deleteTopicsAndGroups(`${db.name}.`);
			await db.drop();
		}
		rmSync(dataDir, { recursive: true, force: true });
	}
}

/**
 * The embedded profile: how soon `npm start` serves and how much memory it keeps idle (beside
 * a bare Moleculer node), and the full REST pipeline on it beside the servers profile.
 */
export async function embeddedBench() {
	const { first, restart, bare } = await startup();
	const rest = await restOnBothProfiles();
	const [firstReady, restartReady] = [median(first.ready), median(restart.ready)];
	const rows = [
		{
			case: "npm start, first start on a new data folder (median)",
			readyMs: Math.round(firstReady),
			slowestMs: Math.round(Math.max(...first.ready)),
			idleRssMb: Math.round(median(first.rss)),
		},
		{
			case: "npm start, restart (median)",
			readyMs: Math.round(restartReady),
			slowestMs: Math.round(Math.max(...restart.ready)),
			idleRssMb: Math.round(median(restart.rss)),
		},
		{ case: "bare moleculer + moleculer-web (median)", readyMs: Math.round(median(bare.ready)), idleRssMb: Math.round(median(bare.rss)) },
		{ case: "REST read, embedded (req/s)", perSecond: rest.embeddedRead },
		{ case: "REST read, servers (req/s)", perSecond: rest.serversRead },
		{ case: "REST deposit + read of it, embedded (pairs/s)", perSecond: rest.embeddedWriteThenRead },
		{ case: "REST deposit + read of it, servers (pairs/s)", perSecond: rest.serversWriteThenRead },
	];
	return {
		name: "embedded",
		rows,
		ratios: {
			restartReadyVsBare: +(restartReady / median(bare.ready)).toFixed(2),
			idleRssVsBare: +(median(restart.rss) / median(bare.rss)).toFixed(2),
			readEmbeddedVsServers: +((rest.embeddedRead ?? 0) / (rest.serversRead ?? 1)).toFixed(2),
			writeThenReadEmbeddedVsServers: +((rest.embeddedWriteThenRead ?? 0) / (rest.serversWriteThenRead ?? 1)).toFixed(2),
		},
		targets: { everyStartReadyMsUnder: TARGET_READY_MS, concurrency: CONCURRENCY },
		met: Math.max(...first.ready, ...restart.ready) < TARGET_READY_MS,
	};
}

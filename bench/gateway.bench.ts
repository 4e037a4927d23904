import { generateKeyPairSync } from "node:crypto";
import http from "node:http";
import { createTestDatabase } from "../test/support/database.ts";
import { grpcClient } from "../test/support/grpc-client.ts";
import { requestJson } from "../test/support/http.ts";
import { startNode } from "../test/support/node-process.ts";
import { freePort } from "../test/support/ports.ts";
import { signedIn } from "../test/support/tokens.ts";
import { closedLoop } from "./load.ts";
import { deleteTopicsAndGroups } from "./peers/bare-kafka.ts";
import { cpuMicros, median, RUNNER, type Started, spawnUntilReady } from "./support.ts";

const CONCURRENCY = 16;
const ROUND_MS = 4_000;
const WARMUP_MS = 1_500;
const ROUNDS = 3;
const TARGET_REST = 0.6;
const TARGET_GRPC = 0.7;
/** The CPU work per call of the bare route's worked copies, in microseconds. */
const BARE_WORK_US = [20, 40];
const ADMIN = { email: "bench@platform.test", password: "bench admin password", displayName: "Bench" };
const ACCOUNT = "bench-acc-1";

/** One keep-alive connection per worker, as a load balancer would hold them. */
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<void> {
	return new Promise((resolve, reject) => {
		http
			.get({ host: "127.0.0.1", port, path, headers, agent }, (res) => {
				res.resume();
				res.once("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`GET ${path} answered ${res.statusCode}`))));
			})
			.once("error", reject);
	});
}

/** One side of the comparison: a request to make, and the server process that answers it. */
type Side = { task: () => Promise<unknown>; serverPid: number };

/** Per round: requests per second, and the server's and this process's (the client's) CPU per request in microseconds. */
type Rounds = { perSecond: number[]; serverCpuUs: number[]; clientCpuUs: number[] };

/** Each side warmed up, then measured round by round, one side after the other, so that none gets a quieter machine. */
async function rounds(sides: Record<string, Side>): Promise<Record<string, Rounds>> {
	const results: Record<string, Rounds> = Object.fromEntries(
		Object.keys(sides).map((name) => [name, { perSecond: [], serverCpuUs: [], clientCpuUs: [] }]),
	);
	for (const { task } of Object.values(sides)) await closedLoop(CONCURRENCY, WARMUP_MS, task);
	for (let round = 0; round < ROUNDS; round++) {
		for (const [name, { task, serverPid }] of Object.entries(sides)) {
			const serverBefore = cpuMicros(serverPid);
			const { perSecond, cpuUsPerOp } = await closedLoop(CONCURRENCY, ROUND_MS, task);
			const result = results[name] as Rounds;
			result.perSecond.push(perSecond);
			result.serverCpuUs.push((cpuMicros(serverPid) - serverBefore) / ((perSecond * ROUND_MS) / 1000));
			result.clientCpuUs.push(cpuUsPerOp);
		}
	}
	return results;
}

/** A row of the table: the median of each figure, and every round's rate. */
function row(side: string, result: Rounds | undefined) {
	const of = (values: number[] | undefined) => Math.round(median(values ?? []));
	return {
		side,
		perSecond: of(result?.perSecond),
		serverCpuUs: of(result?.serverCpuUs),
		clientCpuUs: of(result?.clientCpuUs),
		rounds: result?.perSecond.map(Math.round),
	};
}

/**
 * The request pipeline's cost. REST: an authenticated GET of an account through the whole
 * pipeline (trace span, token, permission, rate limits, cache hit) on a platform node, against
 * a bare moleculer-web route calling a no-op action, and a bare fastify route. gRPC: GetAccount
 * through the gateway and the same pipeline against a bare grpc-js server answering a fixed
 * account from the same proto file. Each server is its own process; the load comes from here.
 * Beside the rates, each side's server CPU and this process's (the client's) CPU per request,
 * and the bare route's rate when its action spins for BARE_WORK_US: the pipeline's budget.
 */
export async function gatewayBench() {
	const db = await createTestDatabase("bench_gateway");
	const node = await startNode({
		env: {
			PLATFORM_ENV: "production",
			PLATFORM_POSTGRES__URL: db.url,
			PLATFORM_REDIS__KEY_PREFIX: `${db.name}.`,
			PLATFORM_AUTH__SIGNING_KEY: generateKeyPairSync("ed25519").privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
			PLATFORM_AUTHZ__ADMIN: `{email: ${ADMIN.email}, password: ${ADMIN.password}}`,
			// Counted on every call as in production, but out of the load's reach.
			PLATFORM_RATE_LIMITS__PER_USER: "{points: 100000000, durationSeconds: 60}",
			PLATFORM_RATE_LIMITS__PER_IP: "{points: 100000000, durationSeconds: 60}",
			PLATFORM_SHUTDOWN__DRAIN_DELAY_MS: "0",
			// As its peers log: at production's info every request also writes its access line (log.accessLog).
			PLATFORM_LOG__LEVEL: "warn",
		},
	});
	const [restPort, fastifyPort, grpcPort] = [await freePort(), await freePort(), await freePort()];
	const bareRoute = (port: number, workMicros: number) =>
		spawnUntilReady(
			[RUNNER, "--config", "bench/peers/bare.config.ts", "bench/peers/bare-api.service.ts"],
			{ BARE_PORT: String(port), BARE_WORK_US: String(workMicros) },
			`http://127.0.0.1:${port}/api/v1/ping`,
		);
	const bareRest = await bareRoute(restPort, 0);
	// The same route with a fixed amount of CPU work per call: how much a route may do beyond
	// the bare one before it falls to the target (the platform's pipeline is such work).
	const workedPorts = await Promise.all(BARE_WORK_US.map(() => freePort()));
	const workedRest = await Promise.all(BARE_WORK_US.map((micros, i) => bareRoute(workedPorts[i] as number, micros)));
	const fastify = await spawnUntilReady(
		["bench/peers/bare-fastify.ts"],
		{ BARE_PORT: String(fastifyPort) },
		`http://127.0.0.1:${fastifyPort}/api/v1/ping`,
	);
	const platformGrpc = grpcClient(node.grpcPort, ["ledger/v1/ledger.proto"]);
	const peerGrpc = grpcClient(grpcPort, ["ledger/v1/ledger.proto"]);
	const bareGrpc = await spawnUntilReady(["bench/peers/bare-grpc.ts"], { BARE_PORT: String(grpcPort) }, async () => {
		const answer = await peerGrpc.call("ledger.v1.LedgerService", "GetAccount", { accountId: ACCOUNT }, {}, 500);
		return answer.code === 0;
	});
	try {
		const base = `http://127.0.0.1:${node.apiPort}`;
		const admin = await signedIn(base, ADMIN);
		await requestJson(`${base}/api/v1/ledger/accounts`, { headers: admin, body: { accountId: ACCOUNT, owner: "Ada", currency: "EUR" } });
		const deposit = await requestJson(`${base}/api/v1/ledger/accounts/${ACCOUNT}/deposits`, {
			headers: admin,
			body: { amount: 1_000, currency: "EUR" },
		});
		// Waits for the projection; the next plain read fills the cache that every measured call then hits.
		await requestJson(`${base}/api/v1/ledger/accounts/${ACCOUNT}?position=${deposit.body.position}`, { headers: admin });
		await get(node.apiPort, `/api/v1/ledger/accounts/${ACCOUNT}`, admin);

		const grpcCall = (client: typeof platformGrpc) => async () => {
			const answer = await client.call("ledger.v1.LedgerService", "GetAccount", { accountId: ACCOUNT }, admin);
			if (answer.code !== 0) throw new Error(`GetAccount answered ${answer.code}: ${answer.details}`);
		};
		const platformPid = node.child.pid as number;
		const rest = await rounds({
			platform: { task: () => get(node.apiPort, `/api/v1/ledger/accounts/${ACCOUNT}`, admin), serverPid: platformPid },
			bareMoleculerWeb: { task: () => get(restPort, "/api/v1/ping"), serverPid: bareRest.pid },
			...Object.fromEntries(
				BARE_WORK_US.map((micros, i) => [
					`worked${micros}`,
					{ task: () => get(workedPorts[i] as number, "/api/v1/ping"), serverPid: (workedRest[i] as Started).pid },
				]),
			),
			bareFastify: { task: () => get(fastifyPort, "/api/v1/ping"), serverPid: fastify.pid },
		});
		const grpc = await rounds({
			platform: { task: grpcCall(platformGrpc), serverPid: platformPid },
			bareGrpcJs: { task: grpcCall(peerGrpc), serverPid: bareGrpc.pid },
		});

		const rows = [
			row("REST platform (auth + pipeline + cache hit)", rest.platform),
			row("REST bare moleculer-web (no-op action)", rest.bareMoleculerWeb),
			...BARE_WORK_US.map((micros) => row(`REST bare moleculer-web, ${micros} us of work a call`, rest[`worked${micros}`])),
			row("REST bare fastify", rest.bareFastify),
			row("gRPC platform (gateway + pipeline + cache hit)", grpc.platform),
			row("gRPC bare grpc-js", grpc.bareGrpcJs),
		];
		const rate = (result: Rounds | undefined) => median(result?.perSecond ?? []);
		const ratio = (side: Rounds | undefined, peer: Rounds | undefined) => +(rate(side) / rate(peer)).toFixed(2);
		const restVsBare = ratio(rest.platform, rest.bareMoleculerWeb);
		const grpcVsBare = ratio(grpc.platform, grpc.bareGrpcJs);
		return {
			name: "gateway",
			rows,
			ratios: {
				restVsBareMoleculerWeb: restVsBare,
				restVsBareFastify: ratio(rest.platform, rest.bareFastify),
				grpcVsBareGrpcJs: grpcVsBare,
				...Object.fromEntries(
					BARE_WORK_US.map((micros) => [`bareWith${micros}usVsBareMoleculerWeb`, ratio(rest[`worked${micros}`], rest.bareMoleculerWeb)]),
				),
			},
			targets: { restVsBareMoleculerWeb: TARGET_REST, grpcVsBareGrpcJs: TARGET_GRPC, concurrency: CONCURRENCY },
			met: restVsBare >= TARGET_REST && grpcVsBare >= TARGET_GRPC,
		};
	} finally {
		platformGrpc.close();
		peerGrpc.close();
		await Promise.all([bareRest.stop(), ...workedRest.map((peer) => peer.stop()), fastify.stop(), bareGrpc.stop(), node.stop()]);
		await deleteTopicsAndGroups(`${db.name}.`);
		await db.drop();
	}
}

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
import { median, RUNNER, spawnUntilReady } from "./support.ts";

const CONCURRENCY = 16;
const ROUND_MS = 4_000;
const WARMUP_MS = 1_500;
const ROUNDS = 3;
const TARGET_REST = 0.6;
const TARGET_GRPC = 0.7;
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

/** Requests per second of `task`, each round after the first warm-up, per target in turn so that none gets a quieter machine. */
async function rounds(targets: Record<string, () => Promise<unknown>>): Promise<Record<string, number[]>> {
	const results: Record<string, number[]> = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
	for (const task of Object.values(targets)) await closedLoop(CONCURRENCY, WARMUP_MS, task);
	for (let round = 0; round < ROUNDS; round++) {
		for (const [name, task] of Object.entries(targets)) results[name]?.push((await closedLoop(CONCURRENCY, ROUND_MS, task)).perSecond);
	}
	return results;
}

/**
 * The request pipeline's cost. REST: an authenticated GET of an account through the whole
 * pipeline (trace span, token, permission, rate limits, cache hit) on a platform node, against
 * a bare moleculer-web route calling a no-op action, and a bare fastify route. gRPC: GetAccount
 * through the gateway and the same pipeline against a bare grpc-js server answering a fixed
 * account from the same proto file. Each server is its own process; the load comes from here.
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
			PLATFORM_LOG__LEVEL: "warn",
		},
	});
	const [restPort, fastifyPort, grpcPort] = [await freePort(), await freePort(), await freePort()];
	const bareRest = await spawnUntilReady(
		[RUNNER, "--config", "bench/peers/bare.config.ts", "bench/peers/bare-api.service.ts"],
		{ BARE_PORT: String(restPort) },
		`http://127.0.0.1:${restPort}/api/v1/ping`,
	);
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
		const rest = await rounds({
			platform: () => get(node.apiPort, `/api/v1/ledger/accounts/${ACCOUNT}`, admin),
			bareMoleculerWeb: () => get(restPort, "/api/v1/ping"),
			bareFastify: () => get(fastifyPort, "/api/v1/ping"),
		});
		const grpc = await rounds({ platform: grpcCall(platformGrpc), bareGrpcJs: grpcCall(peerGrpc) });

		const perSecond = (values: number[] | undefined) => Math.round(median(values ?? []));
		const rows = [
			{ side: "REST platform (auth + pipeline + cache hit)", perSecond: perSecond(rest.platform), rounds: rest.platform?.map(Math.round) },
			{
				side: "REST bare moleculer-web (no-op action)",
				perSecond: perSecond(rest.bareMoleculerWeb),
				rounds: rest.bareMoleculerWeb?.map(Math.round),
			},
			{ side: "REST bare fastify", perSecond: perSecond(rest.bareFastify), rounds: rest.bareFastify?.map(Math.round) },
			{
				side: "gRPC platform (gateway + pipeline + cache hit)",
				perSecond: perSecond(grpc.platform),
				rounds: grpc.platform?.map(Math.round),
			},
			{ side: "gRPC bare grpc-js", perSecond: perSecond(grpc.bareGrpcJs), rounds: grpc.bareGrpcJs?.map(Math.round) },
		];
		const restVsBare = perSecond(rest.platform) / perSecond(rest.bareMoleculerWeb);
		const grpcVsBare = perSecond(grpc.platform) / perSecond(grpc.bareGrpcJs);
		return {
			name: "gateway",
			rows,
			ratios: {
				restVsBareMoleculerWeb: +restVsBare.toFixed(2),
				restVsBareFastify: +(perSecond(rest.platform) / perSecond(rest.bareFastify)).toFixed(2),
				grpcVsBareGrpcJs: +grpcVsBare.toFixed(2),
			},
			targets: { restVsBareMoleculerWeb: TARGET_REST, grpcVsBareGrpcJs: TARGET_GRPC, concurrency: CONCURRENCY },
			met: restVsBare >= TARGET_REST && grpcVsBare >= TARGET_GRPC,
		};
	} finally {
		platformGrpc.close();
		peerGrpc.close();
		await Promise.all([bareRest.stop(), fastify.stop(), bareGrpc.stop(), node.stop()]);
		await deleteTopicsAndGroups(`${db.name}.`);
		await db.drop();
	}
}

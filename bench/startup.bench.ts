import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { exportPKCS8, generateKeyPair } from "jose";
import { median, RUNNER, spawnUntilReady } from "./support.ts";

const RUNS = 5;
const IDLE_MS = 2_000;

async function freePort(): Promise<number> {
	return new Promise((resolve) => {
		const server = createServer().listen(0, "127.0.0.1", () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

/** Production refuses to start without a signing key; the bench writes one for its nodes. */
async function signingKeyFile(): Promise<string> {
	const file = join(mkdtempSync(join(tmpdir(), "bench-key-")), "signing-key.pem");
	const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
	writeFileSync(file, await exportPKCS8(privateKey), { mode: 0o600 });
	return file;
}

async function platformNode(keyFile: string) {
	const [api, grpc, ops] = [await freePort(), await freePort(), await freePort()];
	return spawnUntilReady(
		[RUNNER, "--config", "moleculer.config.ts", "--mask", "**/*.service.ts", "services"],
		{
			PLATFORM_ENV: "production",
			PLATFORM_AUTH__SIGNING_KEY_FILE: keyFile,
			PLATFORM_LOG__LEVEL: "warn",
			PLATFORM_API__PORT: String(api),
			PLATFORM_OPS__PORT: String(ops),
			PLATFORM_GRPC__PORT: String(grpc),
			PLATFORM_API__HOST: "127.0.0.1",
			PLATFORM_GRPC__HOST: "127.0.0.1",
			PLATFORM_OPS__HOST: "127.0.0.1",
			PLATFORM_SHUTDOWN__DRAIN_DELAY_MS: "0",
		},
		`http://127.0.0.1:${ops}/readyz`,
	);
}

async function bareNode() {
	const port = await freePort();
	return spawnUntilReady(
		[RUNNER, "--config", "bench/peers/bare.config.ts", "bench/peers/bare-api.service.ts"],
		{ BARE_PORT: String(port) },
		`http://127.0.0.1:${port}/api/v1/ping`,
	);
}

/** Start-up to ready and idle memory: the platform node beside a bare Moleculer node, alternating runs. */
export async function startupBench() {
	const platform = { ready: [] as number[], rss: [] as number[] };
	const bare = { ready: [] as number[], rss: [] as number[] };
	const keyFile = await signingKeyFile();
	try {
		for (let i = 0; i < RUNS; i++) {
			for (const [start, into] of [
				[() => platformNode(keyFile), platform],
				[bareNode, bare],
			] as const) {
				const node = await start();
				into.ready.push(node.readyMs);
				await new Promise((r) => setTimeout(r, IDLE_MS));
				into.rss.push(node.rssMb());
				await node.stop();
			}
		}
	} finally {
		rmSync(dirname(keyFile), { recursive: true, force: true });
	}
	const row = (name: string, m: typeof platform) => ({
		node: name,
		readyMsMedian: Math.round(median(m.ready)),
		idleRssMbMedian: Math.round(median(m.rss)),
	});
	const rows = [row("platform (all modules, production profile)", platform), row("bare moleculer + moleculer-web", bare)];
	return {
		name: "startup",
		rows,
		ratios: {
			readyTimeVsBare: +(median(platform.ready) / median(bare.ready)).toFixed(2),
			idleRssVsBare: +(median(platform.rss) / median(bare.rss)).toFixed(2),
		},
		targets: { readyMsUnder: 2000, idleRssMbUnder: 150 },
		met: median(platform.ready) < 2000 && median(platform.rss) < 150,
	};
}

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requestJson } from "../support/http.ts";
import { type NodeProcess, startNode } from "../support/node-process.ts";
import { signedIn } from "../support/tokens.ts";
import { platformSuite } from "./platform-suite.ts";

/**
 * The embedded profile needs no server: every server address points at a closed port, so
 * a node that reached for one would fail these tests.
 */
const NO_SERVERS = {
	PLATFORM_POSTGRES__URL: "postgres://postgres@127.0.0.1:1/none",
	PLATFORM_REDIS__URL: "redis://127.0.0.1:1",
	PLATFORM_KAFKA__BROKERS: "[127.0.0.1:1]",
};

function embeddedNode(dataDir: string): Promise<NodeProcess> {
	return startNode({ env: { ...NO_SERVERS, PLATFORM_PROFILE: "embedded", PLATFORM_EMBEDDED__DATA_DIR: dataDir } });
}

describe("the platform on the embedded profile", () => {
	const dataDir = mkdtempSync(join(tmpdir(), "platform-e2e-"));
	let node: NodeProcess | undefined;
	afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

	describe("end to end", () => {
		platformSuite({
			start: async () => {
				node = await embeddedNode(dataDir);
				return node;
			},
			stop: async () => {
				await node?.stop();
			},
		});
	});

	it("keeps its data across a restart and refuses a second process on the same folder", async () => {
		const first = await embeddedNode(dataDir);
		try {
			const second = await startNode({
				env: { ...NO_SERVERS, PLATFORM_PROFILE: "embedded", PLATFORM_EMBEDDED__DATA_DIR: dataDir },
				waitReady: false,
			});
			expect(await second.exited).not.toBe(0);
			expect(second.output()).toContain(`is in use by another platform process (pid ${first.child.pid})`);

			const base = `http://127.0.0.1:${first.apiPort}`;
			const admin = await signedIn(base);
			const account = await requestJson(`${base}/api/v1/ledger/accounts/e2e-a`, { headers: admin });
			expect(account.body).toMatchObject({ accountId: "e2e-a", balance: 600 });
		} finally {
			await first.stop();
		}
	});
});

import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { type NodeProcess, startNode } from "../support/node-process.ts";
import { requireServers } from "../support/servers.ts";
import { platformSuite } from "./platform-suite.ts";

describe("the platform on the servers profile (Postgres, Redis, Kafka)", () => {
	let db: TestDatabase;
	let node: NodeProcess | undefined;

	platformSuite({
		start: async () => {
			await requireServers("postgres", "redis", "kafka");
			db = await createTestDatabase("e2e");
			node = await startNode({ env: { PLATFORM_POSTGRES__URL: db.url, PLATFORM_REDIS__KEY_PREFIX: `${db.name}.` } });
			return node;
		},
		stop: async () => {
			await node?.stop();
			await db?.drop();
		},
	});
});

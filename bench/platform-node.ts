import type { ServiceBroker } from "moleculer";
import type pg from "pg";
import { type Platform, platformOf } from "../platform/bootstrap/index.ts";
import { startBroker } from "../test/support/broker.ts";
import { createTestDatabase, type TestDatabase } from "../test/support/database.ts";
import { deleteTopicsAndGroups } from "./peers/bare-kafka.ts";

/** A platform broker inside the bench process, on a database and topic prefix of its own. */
export type PlatformNode = {
	broker: ServiceBroker;
	platform: Platform;
	db: TestDatabase;
	/** events.topicPrefix of this node, also used for its peer's topics so that cleanup takes both. */
	prefix: string;
	pool: pg.Pool;
	stop(): Promise<void>;
};

/**
 * Starts `services` (files relative to the project root) on a fresh database with a unique
 * topic prefix; `stop` stops the broker, deletes the prefix's topics and groups and drops the database.
 */
export async function startPlatformNode(label: string, services: string[], env: Record<string, string> = {}): Promise<PlatformNode> {
	const db = await createTestDatabase(`bench_${label}`);
	const prefix = `${db.name}.`;
	const broker = await startBroker(services, { PLATFORM_POSTGRES__URL: db.url, PLATFORM_EVENTS__TOPIC_PREFIX: prefix, ...env }).catch(
		async (err: unknown) => {
			await db.drop();
			throw err;
		},
	);
	const platform = platformOf(broker);
	return {
		broker,
		platform,
		db,
		prefix,
		pool: platform.container.resolve("pg"),
		async stop() {
			await broker.stop();
			await deleteTopicsAndGroups(prefix);
			await db.drop();
		},
	};
}

import { Kafka, logLevel } from "kafkajs";
import pg from "pg";
import { deleteTopicsAndGroups } from "./kafka-cleanup.ts";
import { SERVERS } from "./servers.ts";

/** Test databases are named <label>_<12 hex> (database.ts) and suites prefix their topics and groups with that name and a dot. */
const TEST_PREFIX = /^([a-z0-9_]+_[0-9a-f]{12})\./;

/**
 * Jest's global teardown: deletes the Kafka topics and consumer groups of test databases that
 * no longer exist. A suite drops its database when it ends, so what is left behind belongs to
 * no running test (a run beside this one keeps its database, and so its topics). Without this
 * every run left a few dozen topics on the broker, and a broker with thousands of partitions
 * answers more slowly, which showed in the benchmarks run on the same machine.
 */
export default async function deleteOrphanedTopics(): Promise<void> {
	const kafka = new Kafka({ clientId: "test-teardown", brokers: [SERVERS.kafka], logLevel: logLevel.NOTHING, retry: { retries: 2 } });
	const admin = kafka.admin();
	const db = new pg.Client({ connectionString: SERVERS.postgres });
	try {
		await Promise.all([admin.connect(), db.connect()]);
		const existing = new Set((await db.query<{ datname: string }>("SELECT datname FROM pg_database")).rows.map((r) => r.datname));
		const orphaned = (name: string) => {
			const prefix = TEST_PREFIX.exec(name)?.[1];
			return prefix !== undefined && !existing.has(prefix);
		};
		// A group whose member the broker has not timed out yet stays; it expires on its own.
		await deleteTopicsAndGroups(admin, orphaned);
	} catch (err) {
		// Cleaning up is a courtesy to the next run; a broker already gone must not fail this one.
		console.warn(`test teardown: orphaned topics left on Kafka: ${(err as Error).message}`);
	} finally {
		await admin.disconnect().catch(() => undefined);
		await db.end().catch(() => undefined);
	}
}

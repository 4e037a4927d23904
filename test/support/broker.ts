import { join } from "node:path";
import { ServiceBroker, type ServiceSchema } from "moleculer";
import { contracts } from "../../events/index.ts";
import { brokerOptions } from "../../platform/bootstrap/index.ts";
import { loadConfig } from "../../platform/config/index.ts";
import { PROJECT_ROOT } from "./node-process.ts";
import { SERVERS } from "./servers.ts";

/**
 * Brokers of one test share a database; a Redis key prefix named after it keeps their cached
 * answers apart from every other test's (ids like "alice" repeat across suites and runs).
 */
function keyPrefixFor(env: Record<string, string>): string {
	const url = env.PLATFORM_POSTGRES__URL;
	return url ? `${new URL(url).pathname.slice(1)}.` : `broker-${process.pid}.`;
}

/**
 * A platform broker inside the test process, with the test profile and the given settings
 * (PLATFORM_* names), running the given service files (relative to the project root).
 */
export async function startBroker(services: string[], env: Record<string, string> = {}): Promise<ServiceBroker> {
	const config = loadConfig({
		dir: join(PROJECT_ROOT, "config"),
		env: {
			PLATFORM_ENV: "test",
			PLATFORM_POSTGRES__URL: SERVERS.postgres,
			PLATFORM_REDIS__URL: SERVERS.redis,
			PLATFORM_REDIS__KEY_PREFIX: keyPrefixFor(env),
			PLATFORM_KAFKA__BROKERS: `[${SERVERS.kafka}]`,
			...env,
		},
	});
	const broker = new ServiceBroker(brokerOptions(config, { root: PROJECT_ROOT, handleSignals: false, contracts }));
	// A node whose start fails exits; a broker in the test process must let go of what it
	// opened (the cacher's Redis connection, pools) or the test run never ends.
	try {
		for (const file of services) {
			const schema = (await import(join(PROJECT_ROOT, file))).default as ServiceSchema;
			broker.createService(schema);
		}
		await broker.start();
	} catch (err) {
		await broker.stop().catch(() => undefined);
		throw err;
	}
	return broker;
}

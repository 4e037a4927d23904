import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { BrokerOptions } from "moleculer";
import { type Config, isConfigError, loadConfig } from "../config/index.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Exits before any server is touched when the configuration is invalid. */
function validatedConfig(): Config {
	try {
		return loadConfig({ dir: join(root, "config") });
	} catch (err) {
		if (!isConfigError(err)) throw err;
		process.stderr.write(`bootstrap phase "config" failed. ${err.message}\n`);
		process.exit(78);
	}
}

/**
 * The broker options `moleculer-runner` starts a platform node with (moleculer.config.ts).
 * Only the config is loaded first: on the embedded profile the database starts on its thread
 * while the rest of the platform loads (imported after it, for that reason).
 */
export async function nodeBrokerOptions(): Promise<BrokerOptions> {
	const config = validatedConfig();
	if (config.profile === "embedded") {
		const { EmbeddedPostgres } = await import("../embedded/index.ts");
		EmbeddedPostgres.prestart(resolve(root, config.embedded.dataDir));
	}
	const [{ contracts }, { brokerOptions }] = await Promise.all([import("../../events/index.ts"), import("./broker-options.ts")]);
	return brokerOptions(config, { root, contracts });
}

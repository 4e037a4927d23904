import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BrokerOptions } from "moleculer";
import { contracts } from "../../events/index.ts";
import { isConfigError, loadConfig } from "../config/index.ts";
import { brokerOptions } from "./broker-options.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Exits before any server is touched when the configuration is invalid. */
function validatedConfig() {
	try {
		return loadConfig({ dir: join(root, "config") });
	} catch (err) {
		if (!isConfigError(err)) throw err;
		process.stderr.write(`bootstrap phase "config" failed. ${err.message}\n`);
		process.exit(78);
	}
}

/** The broker options `moleculer-runner` starts a platform node with (moleculer.config.ts). */
export function nodeBrokerOptions(): BrokerOptions {
	return brokerOptions(validatedConfig(), { root, contracts });
}

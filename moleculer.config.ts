import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { contracts } from "./events/index.ts";
import { brokerOptions } from "./platform/bootstrap/index.ts";
import { isConfigError, loadConfig } from "./platform/config/index.ts";

const root = dirname(fileURLToPath(import.meta.url));

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

export default brokerOptions(validatedConfig(), { root, contracts });

export { ConfigError, isConfigError, type LoadOptions, loadConfig } from "./load.ts";
export { type Config, configSchema } from "./schema.ts";
export { ENV_PREFIX } from "./sources.ts";

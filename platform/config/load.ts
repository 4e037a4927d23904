import type { z } from "zod";
import { type Config, configSchema, crossFieldProblems } from "./schema.ts";
import { envLayer, mergeLayers, yamlLayer } from "./sources.ts";

/** Every problem found in the configuration, reported together. */
export class ConfigError extends Error {
	readonly problems: readonly string[];
	constructor(problems: string[]) {
		super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
		this.name = "ConfigError";
		this.problems = problems;
	}
}

export function isConfigError(err: unknown): err is ConfigError {
	return err instanceof ConfigError;
}

export type LoadOptions = { dir: string; env?: NodeJS.ProcessEnv };

/**
 * Builds the config from config/default.yaml, config/<env>.yaml and PLATFORM_* variables,
 * in that order of precedence, and validates it once against the schema.
 */
export function loadConfig({ dir, env = process.env }: LoadOptions): Config {
	const problems: string[] = [];
	const envName = env.PLATFORM_ENV ?? env.NODE_ENV ?? "development";
	const merged = mergeLayers([
		yamlLayer(dir, "default", true, problems),
		yamlLayer(dir, envName, false, problems),
		envLayer(env, problems),
	]);
	merged.tree.env ??= envName;
	const result = configSchema.safeParse(merged.tree);
	if (!result.success) problems.push(...result.error.issues.flatMap((i) => describeIssue(i, merged.origin)));
	else problems.push(...crossFieldProblems(result.data));
	if (problems.length > 0 || !result.success) throw new ConfigError(problems);
	return result.data;
}

function describeIssue(issue: z.core.$ZodIssue, origin: Map<string, string>): string[] {
	const base = issue.path.map(String);
	if (issue.code === "unrecognized_keys") {
		return issue.keys.map((key) => {
			const path = [...base, key].join(".");
			return `${path}: unknown key${from(origin, path)}`;
		});
	}
	const path = base.join(".") || "(root)";
	return [`${path}: ${issue.message}${from(origin, path)}`];
}

function from(origin: Map<string, string>, path: string): string {
	const source = origin.get(path);
	return source ? ` (from ${source})` : "";
}

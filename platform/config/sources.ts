import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";

/** A partial config tree and where each of its leaves came from. */
export type Layer = { tree: Record<string, unknown>; origin: Map<string, string> };

export const ENV_PREFIX = "PLATFORM_";
const FILE_SUFFIX = "_FILE";

/** Reads one YAML file; a missing optional file is an empty layer. */
export function yamlLayer(dir: string, name: string, required: boolean, problems: string[]): Layer {
	const file = join(dir, `${name}.yaml`);
	const empty: Layer = { tree: {}, origin: new Map() };
	if (!existsSync(file)) {
		if (required) problems.push(`${file}: file not found`);
		return empty;
	}
	try {
		const parsed: unknown = parseYaml(readFileSync(file, "utf8")) ?? {};
		if (!isRecord(parsed)) {
			problems.push(`${file}: the top level must be a mapping of keys`);
			return empty;
		}
		return { tree: parsed, origin: originOf(parsed, file) };
	} catch (err) {
		problems.push(`${file}: ${(err as Error).message.split("\n")[0]}`);
		return empty;
	}
}

/**
 * Environment overlay. Rule: PLATFORM_ + path segments joined by `__`, each segment in
 * SNAKE_CASE for a camelCase key: PLATFORM_SHUTDOWN__DEADLINE_MS -> shutdown.deadlineMs.
 * A name ending in _FILE reads the value from that file, as a string taken verbatim (for mounted secrets).
 * Values are YAML scalars or flow collections: 42, true, null, [a, b].
 */
export function envLayer(env: NodeJS.ProcessEnv, problems: string[]): Layer {
	const tree: Record<string, unknown> = {};
	const origin = new Map<string, string>();
	for (const [name, raw] of Object.entries(env)) {
		if (!name.startsWith(ENV_PREFIX) || raw === undefined) continue;
		const fromFile = name.endsWith(FILE_SUFFIX);
		const keyName = fromFile ? name.slice(0, -FILE_SUFFIX.length) : name;
		const path = keyName.slice(ENV_PREFIX.length).split("__").map(snakeToCamel);
		if (path.some((segment) => segment === "")) {
			problems.push(`env ${name}: malformed name (empty segment)`);
			continue;
		}
		const value = fromFile ? readSecret(name, raw, problems) : parseScalar(raw);
		if (value === undefined) continue;
		setPath(tree, path, value);
		origin.set(path.join("."), `env ${name}`);
	}
	return { tree, origin };
}

/** A secret is taken as written (trailing newline aside): a password of `yes` or `0123` is a string, a PEM keeps its lines. */
function readSecret(name: string, file: string, problems: string[]): unknown {
	try {
		return readFileSync(file, "utf8").trim();
	} catch (err) {
		problems.push(`env ${name}: cannot read secret file ${file} (${(err as NodeJS.ErrnoException).code ?? "error"})`);
		return undefined;
	}
}

function parseScalar(raw: string): unknown {
	try {
		return parseYaml(raw);
	} catch {
		return raw;
	}
}

function snakeToCamel(segment: string): string {
	return segment.toLowerCase().replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
}

function setPath(tree: Record<string, unknown>, path: string[], value: unknown): void {
	let node = tree;
	for (const key of path.slice(0, -1)) {
		const next = node[key];
		if (!isRecord(next)) node[key] = {};
		node = node[key] as Record<string, unknown>;
	}
	node[path[path.length - 1] as string] = value;
}

function originOf(tree: Record<string, unknown>, source: string, prefix = "", into = new Map<string, string>()) {
	for (const [key, value] of Object.entries(tree)) {
		const path = prefix ? `${prefix}.${key}` : key;
		into.set(path, source);
		if (isRecord(value)) originOf(value, source, path, into);
	}
	return into;
}

/** Deep merge where later layers win; arrays are replaced, not concatenated. */
export function mergeLayers(layers: Layer[]): Layer {
	const tree: Record<string, unknown> = {};
	const origin = new Map<string, string>();
	for (const layer of layers) {
		mergeInto(tree, layer.tree);
		for (const [path, source] of layer.origin) origin.set(path, source);
	}
	return { tree, origin };
}

function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>): void {
	for (const [key, value] of Object.entries(source)) {
		const current = target[key];
		if (isRecord(value) && isRecord(current)) mergeInto(current, value);
		else target[key] = isRecord(value) ? structuredClone(value) : value;
	}
}

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}

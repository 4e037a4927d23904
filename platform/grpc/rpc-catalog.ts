import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import type { ServiceDefinition } from "@grpc/grpc-js";
import { loadSync, type MethodDefinition, type Options, type PackageDefinition } from "@grpc/proto-loader";
import { protoPath as healthProtoPath } from "grpc-health-check";

/** One rpc the gateway serves: its full path, the action it calls, and its message types. */
export type Rpc = {
	/** `/ledger.v1.LedgerService/OpenAccount`, as metrics and logs name it. */
	path: string;
	/** `ledger.openAccount`. */
	action: string;
	definition: MethodDefinition<object, object>;
};

/** A service of the proto files, ready for grpc.Server#addService, with its rpcs. */
export type RpcService = { name: string; definition: ServiceDefinition; rpcs: Map<string, Rpc> };

/**
 * Messages as actions take them: camelCase fields, int64 as numbers (amounts and positions
 * stay below 2^53), enums as names, and a field the caller left out absent rather than zero,
 * so the action's schema says what a missing field means. Only the message's own fields:
 * `oneofs` would add a key naming the set member of each oneof (proto3 `optional` fields are
 * oneofs too), which an action's strict input refuses as unknown.
 */
const LOADER_OPTIONS: Options = { keepCase: false, longs: Number, enums: String, defaults: false, oneofs: false };

/** The option an rpc names its action with, when the name does not follow the rule. */
const ACTION_OPTION = "(platform.v1.action)";

/**
 * Loads every .proto file under `dir` (plus grpc.health.v1, so reflection lists it) and maps
 * each rpc to an action: `<first package segment>.<rpc name in lowerCamelCase>`
 * (`ledger.v1.LedgerService/OpenAccount` -> `ledger.openAccount`) unless it sets
 * `option (platform.v1.action)`. Only unary rpcs: a streaming one stops the start.
 */
export function loadRpcCatalog(dir: string): { packageDefinition: PackageDefinition; services: RpcService[] } {
	const files = protoFiles(dir).map((file) => relative(dir, file));
	const packageDefinition = loadSync([...files, healthProtoPath], { ...LOADER_OPTIONS, includeDirs: [dir] });
	const services: RpcService[] = [];
	for (const [name, entry] of Object.entries(packageDefinition)) {
		if (!isService(entry) || name.startsWith("grpc.")) continue;
		const rpcs = new Map<string, Rpc>();
		for (const [method, definition] of Object.entries(entry)) {
			if (definition.requestStream || definition.responseStream) {
				throw new Error(`${definition.path} streams; the gateway serves unary rpcs only`);
			}
			rpcs.set(method, { path: definition.path, action: actionOf(name, method, definition), definition });
		}
		services.push({ name, definition: entry as ServiceDefinition, rpcs });
	}
	return { packageDefinition, services };
}

function actionOf(service: string, method: string, definition: { options?: Record<string, unknown> }): string {
	const named = definition.options?.[ACTION_OPTION];
	if (typeof named === "string" && named) return named;
	const module = service.split(".")[0];
	return `${module}.${method.charAt(0).toLowerCase()}${method.slice(1)}`;
}

function isService(entry: unknown): entry is Record<string, MethodDefinition<object, object>> {
	const first = Object.values(entry as object)[0] as { path?: unknown } | undefined;
	return typeof first?.path === "string";
}

function protoFiles(dir: string): string[] {
	return readdirSync(dir, { recursive: true, encoding: "utf8" })
		.filter((file) => file.endsWith(".proto"))
		.sort()
		.map((file) => join(dir, file));
}

import { problemSchema } from "../errors/index.ts";
import { jsonSchemaOf } from "../schemas/index.ts";
import { type ExposedAction, type Operation, operationOf } from "./operation.ts";
import { problemResponses } from "./problem-responses.ts";

/** One route a REST gateway serves: its method (`*` for any), its full path with `:param` segments, and its action. */
export type GatewayRoute = { method: string; path: string; action: ExposedAction };

export type DocumentInfo = { title: string; version: string };

export type OpenApiDocument = {
	openapi: "3.1.0";
	info: DocumentInfo & { description: string };
	servers: { url: string; description: string }[];
	paths: Record<string, Record<string, Operation>>;
	components: { schemas: Record<string, object>; responses: Record<string, object>; securitySchemes: Record<string, object> };
};

const METHODS = ["get", "post", "put", "patch", "delete"];

/**
 * The OpenAPI 3.1 document of a gateway's routes, in path order. Routes of actions that
 * declare no permissions are left out: authorization refuses them at every gateway.
 */
export function openApiDocument(info: DocumentInfo, routes: GatewayRoute[]): OpenApiDocument {
	const paths: OpenApiDocument["paths"] = {};
	const operationIds = new Set<string>();
	for (const { method, path, action } of [...routes].sort((a, b) => a.path.localeCompare(b.path))) {
		const { permissions } = action;
		if (permissions === undefined) continue;
		const { template, params } = pathTemplate(path);
		for (const verb of method === "*" ? METHODS : [method.toLowerCase()]) {
			const operation = operationOf({ ...action, permissions }, verb, params);
			operation.operationId = unique(operation.operationId, operationIds);
			paths[template] = { ...paths[template], [verb]: operation };
		}
	}
	return {
		openapi: "3.1.0",
		info: { ...info, description: "Every route of the REST gateway, generated from the actions' declared schemas and permissions." },
		servers: [{ url: "/", description: "The gateway that served this document" }],
		paths,
		components: {
			schemas: { Problem: jsonSchemaOf(problemSchema, "output") },
			responses: problemResponses(),
			securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "An access token." } },
		},
	};
}

/** `/api/v1/ledger/accounts/:accountId` -> `/api/v1/ledger/accounts/{accountId}` and its parameters' names. */
function pathTemplate(path: string): { template: string; params: string[] } {
	const params: string[] = [];
	const template = path.replace(/:(\w+)/g, (_, name: string) => {
		params.push(name);
		return `{${name}}`;
	});
	return { template, params };
}

/** The action's name, numbered when the action is served on more than one route or method. */
function unique(name: string, taken: Set<string>): string {
	let id = name;
	for (let n = 2; taken.has(id); n++) id = `${name}-${n}`;
	taken.add(id);
	return id;
}

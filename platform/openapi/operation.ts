import type { PermissionRule } from "../auth/index.ts";
import type { ActionJsonSchemas, JsonSchema } from "../schemas/index.ts";
import { type ProblemStatus, problemResponseRef } from "./problem-responses.ts";

/** An action's definition as the registry holds it on every node: the fields the document reads. */
export type ExposedAction = {
	name: string;
	permissions?: PermissionRule;
	jsonSchema?: ActionJsonSchemas;
	description?: string;
	successStatus?: number;
};

type Parameter = { name: string; in: "path" | "query"; required: boolean; schema: JsonSchema; description?: unknown };

export type Operation = {
	operationId: string;
	tags: string[];
	summary?: string;
	description: string;
	"x-permissions": PermissionRule;
	security?: { bearerAuth: [] }[];
	parameters: Parameter[];
	requestBody?: { required: boolean; content: { "application/json": { schema: JsonSchema } } };
	responses: Record<string, object>;
};

/** Methods whose parameters, besides the path's, travel in a JSON body; the others' in the query string. */
const BODY_METHODS = new Set(["post", "put", "patch"]);

/**
 * The operation of one route of an action that declares who may call it: the path parameters
 * and then the body or the query parameters from the action's input schema, the bearer token
 * unless it is public, its permissions, its answer, and the problems the pipeline can answer
 * instead (401/403 by its permissions, 404 for a path naming something, 409 for a change, 422
 * for parameters, 429, 500 and 503 for any).
 */
export function operationOf(action: ExposedAction & { permissions: PermissionRule }, method: string, pathParams: string[]): Operation {
	const input = action.jsonSchema?.input;
	const properties = (input?.properties ?? {}) as Record<string, JsonSchema>;
	const required = (input?.required ?? []) as string[];
	const others = Object.keys(properties).filter((name) => !pathParams.includes(name));
	const operation: Operation = {
		operationId: action.name,
		tags: [action.name.split(".")[0] ?? action.name],
		...(action.description ? { summary: action.description } : {}),
		description: whoMayCall(action.permissions),
		"x-permissions": action.permissions,
		parameters: pathParams.map((name) => parameter(name, "path", properties[name], true)),
		responses: responsesOf(action, method, pathParams.length > 0),
	};
	if (action.permissions !== "public") operation.security = [{ bearerAuth: [] }];
	if (!BODY_METHODS.has(method)) {
		operation.parameters.push(...others.map((name) => parameter(name, "query", properties[name], required.includes(name))));
	} else if (input && !input.properties) {
		operation.requestBody = { required: true, content: { "application/json": { schema: input } } };
	} else if (input && others.length > 0) {
		const body: JsonSchema = { ...input, properties: Object.fromEntries(others.map((name) => [name, properties[name]])) };
		const inBody = required.filter((name) => others.includes(name));
		if (inBody.length > 0) body.required = inBody;
		else delete body.required;
		operation.requestBody = { required: inBody.length > 0, content: { "application/json": { schema: body } } };
	}
	return operation;
}

function parameter(name: string, where: "path" | "query", schema: JsonSchema | undefined, required: boolean): Parameter {
	const found: Parameter = { name, in: where, required, schema: schema ?? { type: "string" } };
	if (schema?.description) found.description = schema.description;
	return found;
}

function whoMayCall(rule: PermissionRule): string {
	if (rule === "public") return "Open to anyone; no token needed.";
	if (rule === "authenticated") return "Needs a signed-in caller: a bearer access token.";
	return `Needs a bearer access token whose user holds ${rule.map((p) => `\`${p}\``).join(", ")}.`;
}

function responsesOf(action: ExposedAction & { permissions: PermissionRule }, method: string, namesSomething: boolean) {
	const status = action.successStatus ?? 200;
	const responses: Record<string, object> = {
		[status]: {
			description: status === 201 ? "Created" : "OK",
			content: { "application/json": { schema: action.jsonSchema?.output ?? {} } },
		},
	};
	const problems: ProblemStatus[] = [];
	if (action.permissions !== "public") problems.push(401);
	if (Array.isArray(action.permissions)) problems.push(403);
	if (namesSomething) problems.push(404);
	if (method !== "get") problems.push(409);
	if (action.jsonSchema?.input) problems.push(422);
	problems.push(429, 500, 503);
	for (const problem of problems) responses[problem] = problemResponseRef(problem);
	responses.default = problemResponseRef("default");
	return responses;
}

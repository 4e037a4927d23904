import { z } from "zod";
import { type GatewayRoute, openApiDocument } from "../../../platform/openapi/index.ts";
import { jsonSchemaOf } from "../../../platform/schemas/index.ts";

const id = z.string().regex(/^[a-z0-9-]{1,64}$/);
const movement = z.strictObject({ accountId: id, amount: z.number().int().positive(), note: z.string().optional() });
const page = z.strictObject({ accountId: id, limit: z.coerce.number().int().max(500).default(50) });

const route = (method: string, path: string, action: GatewayRoute["action"]): GatewayRoute => ({ method, path, action });
const routes: GatewayRoute[] = [
	route("POST", "/api/v1/ledger/accounts/:accountId/deposits", {
		name: "ledger.deposit",
		description: "Adds money.",
		permissions: ["ledger:accounts:write"],
		jsonSchema: { input: jsonSchemaOf(movement, "input"), output: { type: "object" } },
	}),
	route("GET", "/api/v1/ledger/accounts/:accountId/transactions", {
		name: "ledger.listTransactions",
		permissions: "authenticated",
		jsonSchema: { input: jsonSchemaOf(page, "input") },
	}),
	route("POST", "/api/v1/auth/register", { name: "identity.register", permissions: "public", successStatus: 201 }),
	route("GET", "/api/v1/faulty/undeclared", { name: "faulty.undeclared" }),
	route("*", "/api/v1/system/echo", { name: "system.echo", permissions: "public" }),
	route("PUT", "/api/v1/system/settings", {
		name: "system.setting",
		permissions: ["system:write"],
		jsonSchema: { input: jsonSchemaOf(z.union([z.strictObject({ on: z.boolean() }), z.strictObject({ off: z.boolean() })]), "input") },
	}),
];
const doc = openApiDocument({ title: "platform", version: "1.2.3" }, routes);
const ops = doc.paths;

describe("the OpenAPI document of a gateway's routes", () => {
	it("is OpenAPI 3.1 with the bearer scheme and the Problem schema its error answers share", () => {
		expect(doc).toMatchObject({ openapi: "3.1.0", info: { title: "platform", version: "1.2.3" }, servers: [{ url: "/" }] });
		expect(doc.components.securitySchemes.bearerAuth).toEqual(
			expect.objectContaining({ type: "http", scheme: "bearer", bearerFormat: "JWT" }),
		);
		expect(doc.components.schemas.Problem).toMatchObject({
			type: "object",
			required: ["type", "title", "status", "detail", "code"],
			properties: { errors: { type: "array" }, traceId: { type: "string" } },
		});
	});

	it("takes path parameters from the path and the rest of a POST's input as its body", () => {
		const deposit = ops["/api/v1/ledger/accounts/{accountId}/deposits"]?.post;
		expect(deposit).toMatchObject({
			operationId: "ledger.deposit",
			tags: ["ledger"],
			summary: "Adds money.",
			"x-permissions": ["ledger:accounts:write"],
			security: [{ bearerAuth: [] }],
			parameters: [{ name: "accountId", in: "path", required: true, schema: { type: "string", pattern: "^[a-z0-9-]{1,64}$" } }],
			requestBody: {
				required: true,
				content: {
					"application/json": {
						schema: { type: "object", properties: { amount: { type: "integer", exclusiveMinimum: 0 } }, required: ["amount"] },
					},
				},
			},
		});
		expect(deposit?.description).toContain("`ledger:accounts:write`");
		expect(Object.keys(deposit?.requestBody?.content["application/json"].schema.properties as object)).toEqual(["amount", "note"]);
		expect(deposit?.responses["200"]).toEqual({ description: "OK", content: { "application/json": { schema: { type: "object" } } } });
		expect(Object.keys(deposit?.responses ?? {}).sort()).toEqual([
			"200",
			"401",
			"403",
			"404",
			"409",
			"422",
			"429",
			"500",
			"503",
			"default",
		]);
	});

	it("puts a GET's input other than the path in the query string, with its constraints and defaults", () => {
		const list = ops["/api/v1/ledger/accounts/{accountId}/transactions"]?.get;
		expect(list?.requestBody).toBeUndefined();
		expect(list?.parameters.map((p) => [p.name, p.in, p.required])).toEqual([
			["accountId", "path", true],
			["limit", "query", false],
		]);
		expect(list?.parameters[1]?.schema).toMatchObject({ type: "integer", maximum: 500, default: 50 });
		expect(list?.responses).not.toHaveProperty("403");
		expect(list?.responses["401"]).toEqual({ $ref: "#/components/responses/Unauthorized" });
	});

	it("asks no token of a public action, answers its declared success status, and lists no 422 without an input", () => {
		const register = ops["/api/v1/auth/register"]?.post;
		expect(register?.security).toBeUndefined();
		expect(register?.requestBody).toBeUndefined();
		expect(register?.responses["201"]).toMatchObject({ description: "Created" });
		expect(register?.responses).not.toHaveProperty("401");
		expect(register?.responses).not.toHaveProperty("422");
	});

	it("takes an input of another shape than an object as the body, whole", () => {
		const setting = ops["/api/v1/system/settings"]?.put;
		expect(setting?.requestBody).toEqual({
			required: true,
			content: {
				"application/json": {
					schema: { anyOf: [expect.objectContaining({ required: ["on"] }), expect.objectContaining({ required: ["off"] })] },
				},
			},
		});
	});

	it("leaves out actions that declare no permissions, and lists an any-method route under every method", () => {
		expect(ops).not.toHaveProperty(["/api/v1/faulty/undeclared"]);
		const echo = ops["/api/v1/system/echo"] ?? {};
		expect(Object.keys(echo)).toEqual(["get", "post", "put", "patch", "delete"]);
		expect(Object.values(echo).map((op) => op.operationId)).toEqual([
			"system.echo",
			"system.echo-2",
			"system.echo-3",
			"system.echo-4",
			"system.echo-5",
		]);
	});

	it("refers only to components it defines", () => {
		const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/(\w+)\/(\w+)"/g)];
		expect(refs.length).toBeGreaterThan(0);
		for (const [, kind, name] of refs) expect(doc.components[kind as "responses"]).toHaveProperty([name as string]);
	});
});

import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ServiceBroker } from "moleculer";
import type { OpenApiDocument } from "../../platform/openapi/index.ts";
import { startClientBroker } from "../support/client-broker.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { eventually, type NodeProcess, PROJECT_ROOT, startNode } from "../support/node-process.ts";
import { requireServers, SERVERS } from "../support/servers.ts";

type RegistryAction = { name: string; rest?: unknown; permissions?: unknown; jsonSchema?: { input?: { properties?: object } } };

/**
 * The gateway runs on a node of its own (`api` only) and documents the other node's actions,
 * which reach it through NATS: only their definitions, never their code or zod schemas.
 */
describe("the OpenAPI document at /api/openapi.json", () => {
	const namespace = `t-${randomUUID().slice(0, 8)}`;
	let db: TestDatabase;
	let modules: NodeProcess;
	let gateway: NodeProcess;
	let client: ServiceBroker;
	const fetchDocument = async () => {
		const res = await fetch(`http://127.0.0.1:${gateway.apiPort}/api/openapi.json`);
		return { status: res.status, contentType: res.headers.get("content-type"), doc: (await res.json()) as OpenApiDocument };
	};
	const operations = (doc: OpenApiDocument) =>
		Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));

	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka", "nats");
		db = await createTestDatabase("openapi");
		const env = { PLATFORM_POSTGRES__URL: db.url, PLATFORM_TRANSPORTER__URL: SERVERS.nats, PLATFORM_NODE__NAMESPACE: namespace };
		modules = await startNode({ services: ["services/ledger", "services/identity", "services/authz", "services/system"], env });
		gateway = await startNode({ services: ["services/api"], env });
		client = await startClientBroker(namespace, ["ledger", "identity", "api"]);
		await eventually(async () => "/api/v1/ledger/accounts" in (await fetchDocument()).doc.paths, 15_000, "the ledger's routes documented");
	});
	afterAll(async () => {
		await client?.stop();
		await Promise.all([gateway?.stop(), modules?.stop()]);
		await db?.drop();
	});

	it("is served to anyone as OpenAPI 3.1, with the package's version, the bearer scheme and the Problem schema", async () => {
		const { status, contentType, doc } = await fetchDocument();
		expect(status).toBe(200);
		expect(contentType).toContain("application/json");
		const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string };
		expect(doc).toMatchObject({ openapi: "3.1.0", info: { version: pkg.version }, servers: [{ url: "/" }] });
		expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer", bearerFormat: "JWT" });
		expect(doc.components.schemas.Problem).toMatchObject({ type: "object", required: ["type", "title", "status", "detail", "code"] });
		expect(doc.paths["/.well-known/jwks.json"]?.get).toMatchObject({ operationId: "identity.wellKnownJwks", "x-permissions": "public" });
		expect(doc.paths["/api/openapi.json"]?.get).toMatchObject({ operationId: "api.openapi" });
	});

	it("shows opening an account with the fields and constraints of the command's schema", async () => {
		const { doc } = await fetchDocument();
		const open = doc.paths["/api/v1/ledger/accounts"]?.post;
		expect(open).toMatchObject({
			operationId: "ledger.openAccount",
			summary: "Opens an account for an owner in one currency.",
			security: [{ bearerAuth: [] }],
			"x-permissions": ["ledger:accounts:write"],
			requestBody: {
				required: true,
				content: {
					"application/json": {
						schema: {
							type: "object",
							properties: {
								accountId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
								owner: { type: "string", minLength: 1, maxLength: 200 },
								currency: { type: "string", pattern: "^[A-Z]{3}$" },
							},
							required: ["accountId", "owner", "currency"],
							additionalProperties: false,
						},
					},
				},
			},
			responses: {
				"200": { content: { "application/json": { schema: { required: ["streamId", "version", "position"] } } } },
				"422": { $ref: "#/components/responses/UnprocessableContent" },
			},
		});
		expect(doc.paths["/api/v1/auth/register"]?.post?.responses).toHaveProperty("201");
	});

	it("documents every action a node serves over REST, each route well formed", async () => {
		const { doc } = await fetchDocument();
		const all = operations(doc);
		const exposed = client.registry
			.getActionList({})
			.map((item) => item.action as RegistryAction | undefined)
			.filter((action) => action?.rest !== undefined && action.permissions !== undefined);
		expect(exposed.length).toBeGreaterThan(10);
		for (const action of exposed) expect(all.map(({ op }) => op.operationId)).toContain(action?.name);

		for (const { path, method, op } of all) {
			const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
			expect(op.parameters.filter((p) => p.in === "path").map((p) => p.name)).toEqual(inPath);
			expect(op.security !== undefined).toBe(op["x-permissions"] !== "public");
			const body = op.requestBody?.content["application/json"].schema;
			if (body) expect(body).toMatchObject({ type: "object", properties: expect.any(Object) });
			if (method === "get") expect(op.requestBody).toBeUndefined();
			expect(op.responses.default).toEqual({ $ref: "#/components/responses/Problem" });
		}
	});

	it("carries only JSON Schemas in the definitions other nodes receive", () => {
		const open = client.registry.getActionList({}).find((item) => item.name === "ledger.openAccount")?.action as RegistryAction;
		expect(open).not.toHaveProperty("input");
		expect(Object.keys(open.jsonSchema?.input?.properties ?? {})).toEqual(["accountId", "owner", "currency"]);
		const info = JSON.stringify(client.registry.getNodeInfo(modules.nodeID));
		expect(info).not.toMatch(/_zod|parseParams/);
	});

	it("routes every operation it documents: without a token each is refused or served, none is unknown", async () => {
		const { doc } = await fetchDocument();
		const unrouted: string[] = [];
		for (const { path, method, op } of operations(doc)) {
			const url = `http://127.0.0.1:${gateway.apiPort}${path.replace(/\{\w+\}/g, "abc")}`;
			const body = op.requestBody ? "{}" : undefined;
			const res = await fetch(url, { method: method.toUpperCase(), headers: { "content-type": "application/json" }, body });
			if (res.status === 404) unrouted.push(`${method} ${path}`);
		}
		expect(unrouted).toEqual([]);
	});

	it("is rebuilt when services come and go", async () => {
		await modules.stop();
		await eventually(async () => !("/api/v1/ledger/accounts" in (await fetchDocument()).doc.paths), 15_000, "the ledger's routes gone");
		expect((await fetchDocument()).doc.paths).toHaveProperty(["/api/openapi.json"]);
	});
});

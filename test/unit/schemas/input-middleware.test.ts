import { ServiceBroker, type ServiceSchema } from "moleculer";
import { z } from "zod";
import { InputMiddleware } from "../../../platform/schemas/index.ts";

const query = z.strictObject({ accountId: z.string().regex(/^[a-z]+$/), limit: z.coerce.number().int().max(500).default(50) });
const reply = z.strictObject({ accountId: z.string(), limit: z.number() });

/** A service as modules write them: declarations in a mixin and in the service's own actions. */
const mixin: Partial<ServiceSchema> = {
	actions: { ping: { input: z.strictObject({}), handler: () => "pong" } },
};
const schema = {
	name: "probe",
	mixins: [mixin],
	actions: {
		list: {
			rest: "GET /accounts/:accountId",
			input: query,
			output: reply,
			handler: (ctx: { params: unknown }) => ctx.params,
		},
	},
} satisfies ServiceSchema;

const brokers: ServiceBroker[] = [];
async function started(options: ConstructorParameters<typeof ServiceBroker>[0], services: ServiceSchema[]): Promise<ServiceBroker> {
	const broker = new ServiceBroker({ logger: false, ...options, middlewares: [InputMiddleware()] });
	for (const service of services) broker.createService(service);
	brokers.push(broker);
	await broker.start();
	return broker;
}
afterEach(async () => {
	await Promise.all(brokers.splice(0).map((b) => b.stop()));
});

describe("declared input and output schemas", () => {
	it("parse every call's params: the handler gets zod's output, a bad call a 422 naming each field", async () => {
		const broker = await started({}, [schema]);
		expect(await broker.call("probe.list", { accountId: "abc", limit: "7" })).toEqual({ accountId: "abc", limit: 7 });
		expect(await broker.call("probe.list", { accountId: "abc" })).toEqual({ accountId: "abc", limit: 50 });
		expect(await broker.call("probe.ping", {})).toBe("pong");
		await expect(broker.call("probe.list", { accountId: "A-1", limit: 900, extra: 1 })).rejects.toMatchObject({
			code: 422,
			type: "VALIDATION_FAILED",
			data: {
				issues: [
					{ field: "accountId", reason: expect.any(String) },
					{ field: "limit", reason: expect.stringContaining("500") },
					{ field: "(body)", reason: expect.stringContaining("extra") },
				],
			},
		});
	});

	it("reach other nodes as JSON Schemas only, never as zod objects", async () => {
		const namespace = `input-${process.pid}`;
		const node = await started({ nodeID: "node", namespace, transporter: "Fake" }, [schema]);
		const gateway = await started({ nodeID: "gateway", namespace, transporter: "Fake" }, []);
		await gateway.waitForServices("probe", 5_000);

		const info = JSON.stringify(node.registry.getLocalNodeInfo(true));
		expect(info).not.toMatch(/_zod|"def"|parseParams/);
		const remote = gateway.registry.getActionList({}).find((a) => a.name === "probe.list")?.action as Record<string, unknown>;
		expect(remote).not.toHaveProperty("input");
		expect(remote.jsonSchema).toEqual({
			input: {
				type: "object",
				properties: {
					accountId: { type: "string", pattern: "^[a-z]+$" },
					limit: { type: "integer", maximum: 500, default: 50, minimum: expect.any(Number) },
				},
				required: ["accountId"],
				additionalProperties: false,
			},
			output: expect.objectContaining({ required: ["accountId", "limit"] }),
		});
	});

	it("leave the module's own schema objects as they were, for the next broker that creates them", async () => {
		await started({}, [schema]);
		expect(schema.actions.list.input).toBe(query);
		expect(mixin.actions?.ping).toHaveProperty("input");
		const again = await started({}, [schema]);
		expect(await again.call("probe.list", { accountId: "xyz" })).toEqual({ accountId: "xyz", limit: 50 });
	});
});

import type { Context } from "moleculer";
import { z } from "zod";
import { PlatformMixin, type PlatformServiceSchema } from "../../mixins/platform.mixin.ts";

/** Query strings arrive as text. */
const startsParams = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(20) });
const pong = z.strictObject({ nodeID: z.string(), time: z.iso.datetime() });

/** Which node answered and what it runs; also the cheapest call to test a path end to end. */
export default {
	name: "system",
	mixins: [PlatformMixin],
	actions: {
		ping: {
			rest: "GET /ping",
			permissions: "public",
			description: "Which node answered, and when: the cheapest call to test a path end to end.",
			output: pong,
			handler(): z.output<typeof pong> {
				return { nodeID: this.broker.nodeID, time: new Date().toISOString() };
			},
		},
		starts: {
			rest: "GET /starts",
			permissions: ["system:info:read"],
			description: "The latest starts of the cluster's nodes, newest first.",
			input: startsParams,
			async handler(ctx: Context<z.output<typeof startsParams>>) {
				const { limit } = ctx.params;
				const { rows } = await this.resolve("pg").query(
					'SELECT node_id AS "nodeID", modules, started_at AS "startedAt" FROM system_node_starts ORDER BY id DESC LIMIT $1',
					[limit],
				);
				return rows;
			},
		},
		info: {
			rest: "GET /info",
			permissions: ["system:info:read"],
			description: "The answering node: its environment, modules and uptime.",
			handler() {
				const platform = this.platform();
				return {
					nodeID: platform.nodeID,
					env: platform.config.env,
					modules: platform.localModules.map((m) => ({ name: m.name, version: m.version })),
					uptimeSeconds: Math.round(process.uptime()),
				};
			},
		},
		health: {
			permissions: ["system:info:read"],
			description: "The answering node's readiness report (what its /readyz gives); call with `nodeID` to ask one node.",
			handler() {
				return this.platform().readiness.report();
			},
		},
	},
	async started() {
		const platform = this.platform();
		await this.resolve("pg").query("INSERT INTO system_node_starts (node_id, modules) VALUES ($1, $2)", [
			platform.nodeID,
			platform.localModules.map((m) => m.name),
		]);
	},
} satisfies PlatformServiceSchema;

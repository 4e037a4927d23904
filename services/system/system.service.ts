import type { Context } from "moleculer";
import { PlatformMixin, type PlatformServiceSchema } from "../../mixins/platform.mixin.ts";

/** Which node answered and what it runs; also the cheapest call to test a path end to end. */
export default {
	name: "system",
	mixins: [PlatformMixin],
	actions: {
		ping: {
			rest: "GET /ping",
			handler() {
				return { nodeID: this.broker.nodeID, time: new Date().toISOString() };
			},
		},
		starts: {
			rest: "GET /starts",
			params: { limit: { type: "number", integer: true, min: 1, max: 100, default: 20, convert: true } },
			async handler(ctx: Context<{ limit: number }>) {
				const { rows } = await this.resolve("pg").query(
					'SELECT node_id AS "nodeID", modules, started_at AS "startedAt" FROM system_node_starts ORDER BY id DESC LIMIT $1',
					[ctx.params.limit],
				);
				return rows;
			},
		},
		info: {
			rest: "GET /info",
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
	},
	async started() {
		const platform = this.platform();
		await this.resolve("pg").query("INSERT INTO system_node_starts (node_id, modules) VALUES ($1, $2)", [
			platform.nodeID,
			platform.localModules.map((m) => m.name),
		]);
	},
} satisfies PlatformServiceSchema;

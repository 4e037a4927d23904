import ApiGateway from "moleculer-web";

/** A bare moleculer-web gateway with one no-op action: what the platform node is compared with. */
export default {
	name: "api",
	mixins: [ApiGateway],
	settings: { port: Number(process.env.BARE_PORT), routes: [{ path: "/api/v1", aliases: { "GET /ping": "api.ping" } }] },
	actions: { ping: () => ({ ok: true }) },
};

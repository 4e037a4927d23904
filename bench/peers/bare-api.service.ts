import ApiGateway from "moleculer-web";

/** CPU work per call, in microseconds (BARE_WORK_US): what a route that does as much as the platform's pipeline would keep. */
const workMicros = Number(process.env.BARE_WORK_US ?? 0);

function busyFor(micros: number): void {
	const until = performance.now() + micros / 1000;
	while (performance.now() < until);
}

/** A bare moleculer-web gateway with one action that does nothing (or only BARE_WORK_US of spinning): what the platform node is compared with. */
export default {
	name: "api",
	mixins: [ApiGateway],
	settings: { port: Number(process.env.BARE_PORT), routes: [{ path: "/api/v1", aliases: { "GET /ping": "api.ping" } }] },
	actions: {
		ping: () => {
			if (workMicros > 0) busyFor(workMicros);
			return { ok: true };
		},
	},
};

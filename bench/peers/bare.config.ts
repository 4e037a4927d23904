/** The peer for the start-up benchmark: Moleculer with no platform kernel at all. */
export default {
	namespace: "bench-bare",
	logger: { type: "Console", options: { level: "warn" } },
};

import { moleculerLoggerOptions } from "../../../platform/logger/index.ts";
import { capturedLogger } from "../../support/captured-logger.ts";

describe("Moleculer's loggers on the platform's pino", () => {
	it("writes each field once: Moleculer's nodeID is the root logger's already", () => {
		const { logger, raw, lines } = capturedLogger("info", { base: { nodeID: "node-1", env: "test" } });
		const { createLogger } = moleculerLoggerOptions(logger, "info").options;
		const api = createLogger("info", { nodeID: "node-1", ns: "platform", mod: "api", svc: "api" });
		api.warn?.("The gateway says", { route: "/api/v1" });
		// Log shippers such as Elasticsearch refuse a JSON document with a repeated key, and lose the line.
		expect(raw[0]?.match(/"nodeID":/g)).toHaveLength(1);
		expect(lines[0]).toMatchObject({ nodeID: "node-1", ns: "platform", mod: "api", svc: "api", route: "/api/v1", msg: "The gateway says" });
	});
});

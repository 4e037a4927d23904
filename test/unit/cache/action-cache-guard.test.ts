import { ServiceBroker } from "moleculer";
import { ActionCacheGuardMiddleware } from "../../../platform/cache/index.ts";

describe("the action cache guard", () => {
	const broker = new ServiceBroker({ logger: false, middlewares: [ActionCacheGuardMiddleware()] });

	it("refuses a service whose action declares Moleculer's cache, which would answer before authorization", () => {
		expect(() => broker.createService({ name: "cached", actions: { get: { cache: true, handler: () => 1 } } })).toThrow(
			/cached\.get declares `cache`/,
		);
	});

	it("lets every other action through", () => {
		expect(() => broker.createService({ name: "plain", actions: { get: { cache: false, handler: () => 1 } } })).not.toThrow();
	});
});

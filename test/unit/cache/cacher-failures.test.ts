import type { CacherApi } from "../../../platform/cache/index.ts";
import { capturedLogger } from "../../support/captured-logger.ts";
import { eventually } from "../../support/eventually.ts";
import { queryCacheOver, requests } from "./memory-cache.ts";

const getAccount = { query: "test.getAccount", namespace: "accounts", entity: "account:a-1" };
const down = () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:6379"));

describe("the query cache when its cacher fails", () => {
	it("answers every query from its table, counts the errors and warns once", async () => {
		const { logger, lines } = capturedLogger();
		const { cache, registry } = queryCacheOver({ get: down, set: down, clean: down }, logger);
		const load = async () => ({ balance: 100 });
		expect(await cache.read(getAccount, load)).toEqual({ balance: 100 });
		expect(await cache.read(getAccount, load)).toEqual({ balance: 100 });
		await cache.markChanging("accounts", ["account:a-1"]);
		expect(await requests(registry, "error")).toBe(2);
		expect(lines.filter((l) => l.level === 40)).toHaveLength(1);
		expect(lines.filter((l) => l.level === 20).length).toBeGreaterThanOrEqual(2);
		cache.stop();
	});

	it("cleans the namespace of an invalidation it could not write once the cacher answers again", async () => {
		const cleaned: unknown[] = [];
		let failing = true;
		const cacher: CacherApi = {
			get: async () => undefined,
			set: async () => (failing ? down() : undefined),
			clean: async (match) => (failing ? down() : cleaned.push(match)),
		};
		const { cache } = queryCacheOver(cacher);
		await cache.markChanged("accounts", new Map([["account:a-1", 7]]));
		await new Promise((r) => setTimeout(r, 300));
		expect(cleaned).toEqual([]);
		failing = false;
		await eventually("the owed clean", async () => (cleaned.length > 0 ? true : undefined), 5_000);
		expect(cleaned).toEqual(["accounts:**"]);
		cache.stop();
	});
});

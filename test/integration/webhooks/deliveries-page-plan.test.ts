import { DELIVERIES_PAGE_SQL } from "../../../services/webhooks/delivery-rows.ts";
import { type PlanDatabase, planDatabase } from "../../support/plan-database.ts";
import { requireServers } from "../../support/servers.ts";

/**
 * Every filter of the deliveries listing must come off an index newest first. With sorting
 * priced out, a plan that still sorts means no index serves that filter, and each page would
 * sort every delivery it matches.
 */
describe("webhook deliveries page", () => {
	let db: PlanDatabase;
	beforeAll(async () => {
		await requireServers("postgres");
		db = await planDatabase("webhooks_plan", ["webhooks"]);
	});
	afterAll(async () => {
		await db?.drop();
	});

	const planOf = (subscriptionId: string | null, state: string | null) => db.planOf(DELIVERIES_PAGE_SQL, [subscriptionId, state, 100]);
	const subscription = "00000000-0000-4000-8000-000000000001";

	it.each([
		["all deliveries", null, null, /Index Scan using webhook_deliveries_newest_first /],
		["succeeded ones", null, "succeeded", /Index Scan using webhook_deliveries_newest_first /],
		["dead ones", null, "dead", /Index Scan using webhook_deliveries_unsettled /],
		["pending ones", null, "pending", /Index Scan using webhook_deliveries_unsettled /],
		["one subscription's", subscription, null, /Index Scan using webhook_deliveries_by_subscription /],
		// Either index yields them newest first; which one depends on the table's statistics.
		["one subscription's dead ones", subscription, "dead", /Index Scan using webhook_deliveries_(by_subscription|unsettled) /],
	])("reads %s off an index, without a sort", async (_what, subscriptionId, state, index) => {
		const plan = await planOf(subscriptionId, state);
		expect(plan).toMatch(index);
		expect(plan).not.toContain("Sort");
	});
});

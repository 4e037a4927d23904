import type { ServiceBroker } from "moleculer";
import { startBroker } from "../../support/broker.ts";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { eventually } from "../../support/eventually.ts";
import { requireServers } from "../../support/servers.ts";
import { WebhookReceiver } from "../../support/webhook-receiver.ts";

type Delivery = { id: string; state: string; attempts: number; eventType: string; lastStatus: number | null };
type Detailed = Delivery & { history: { attempt: number; status: number | null; error: string | null; latencyMs: number }[] };

describe("webhooks", () => {
	let db: TestDatabase;
	let broker: ServiceBroker;
	const receiver = new WebhookReceiver();

	const subscribe = (path: string, eventTypes: string[]) =>
		broker.call<{ id: string; secret: string }, object>("webhooks.subscribe", { url: `${receiver.url}${path}`, eventTypes });
	const deliveryOf = (subscriptionId: string, state: string) =>
		eventually(
			`a ${state} delivery`,
			async () => (await broker.call<Delivery[], object>("webhooks.deliveries", { subscriptionId })).find((d) => d.state === state),
			30_000,
		);

	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka");
		db = await createTestDatabase("hooks");
		await receiver.start();
		broker = await startBroker(
			["services/ledger/ledger.service.ts", "services/jobs/jobs.service.ts", "services/webhooks/webhooks.service.ts"],
			{ PLATFORM_POSTGRES__URL: db.url, PLATFORM_EVENTS__TOPIC_PREFIX: `${db.name}.`, PLATFORM_WEBHOOKS__MAX_ATTEMPTS: "3" },
		);
	});
	afterAll(async () => {
		await broker?.stop();
		await receiver.stop();
		await db?.drop();
	});

	it("delivers a matching event as a signed CloudEvent, retrying until the receiver accepts", async () => {
		const sub = await subscribe("/flaky", ["ledger.AccountOpened"]);
		receiver.plan("/flaky", [500, 503, 204], sub.secret);
		const { position } = await broker.call<{ position: number }, object>("ledger.openAccount", {
			accountId: "hook-1",
			owner: "Ada",
			currency: "EUR",
		});
		await broker.call("ledger.deposit", { accountId: "hook-1", amount: 100, currency: "EUR" });

		const delivered = await deliveryOf(sub.id, "succeeded");
		const detail = await broker.call<Detailed, object>("webhooks.delivery", { id: delivered.id });
		expect(detail.history.map((a) => [a.attempt, a.status])).toEqual([
			[1, 500],
			[2, 503],
			[3, 204],
		]);
		expect(detail.history.every((a) => a.latencyMs >= 0)).toBe(true);
		const requests = receiver.received.filter((r) => r.path === "/flaky");
		expect(requests).toHaveLength(3);
		expect(requests.every((r) => r.signed)).toBe(true);
		expect(requests[0]?.headers["content-type"]).toBe("application/cloudevents+json");
		expect(requests[0]?.body).toMatchObject({
			specversion: "1.0",
			type: "ledger.AccountOpened",
			source: "urn:platform:ledger",
			subject: "ledger-account-hook-1",
			position,
			data: { accountId: "hook-1", owner: "Ada", currency: "EUR" },
		});
		// The deposit is not a type this subscription asked for.
		expect((await broker.call<Delivery[], object>("webhooks.deliveries", { subscriptionId: sub.id })).map((d) => d.eventType)).toEqual([
			"ledger.AccountOpened",
		]);
	});

	it("ends a delivery dead after the last attempt and redelivers it on request", async () => {
		const sub = await subscribe("/down", ["ledger.*"]);
		receiver.plan("/down", [500], sub.secret);
		await broker.call("ledger.openAccount", { accountId: "hook-2", owner: "Bob", currency: "EUR" });
		const dead = await deliveryOf(sub.id, "dead");
		expect(dead).toMatchObject({ attempts: 3, lastStatus: 500 });

		receiver.plan("/down", [200], sub.secret);
		await expect(broker.call("webhooks.redeliver", { id: dead.id })).resolves.toEqual({ id: dead.id, state: "pending" });
		const redelivered = await deliveryOf(sub.id, "succeeded");
		expect(redelivered).toMatchObject({ id: dead.id, attempts: 4, lastStatus: 200 });
		await expect(broker.call("webhooks.redeliver", { id: dead.id })).rejects.toMatchObject({ code: 409 });
	});

	it("refuses a subscription that is not http(s) or names no event type, naming the fields", async () => {
		const bad = broker.call("webhooks.subscribe", { url: "ftp://example.com/hook", eventTypes: [] });
		await expect(bad).rejects.toMatchObject({ code: 422 });
		const fields = ((await bad.catch((e) => e)) as { data: { issues: { field: string }[] } }).data.issues.map((i) => i.field).sort();
		expect(fields).toEqual(["eventTypes", "url"]);
		await expect(broker.call("webhooks.subscribe", { url: "https://example.com", eventTypes: ["Ledger"] })).rejects.toMatchObject({
			code: 422,
		});
		await expect(broker.call("webhooks.delivery", { id: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({ code: 404 });
	});
});

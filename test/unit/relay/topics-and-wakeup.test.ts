import { deadLetterTopicOf, publishedTopics, topicOfEvent, withDeadLetterTopics } from "../../../platform/relay/index.ts";
import { Wakeup } from "../../../platform/relay/wakeup.ts";

describe("relay topics", () => {
	it("names a module's topic from the event type and each topic's dead-letter topic", () => {
		expect(topicOfEvent({ type: "ledger.MoneyDeposited" })).toBe("ledger.events");
		expect(deadLetterTopicOf("ledger.events")).toBe("ledger.events.dlq");
	});

	it("lists every published topic once", () => {
		const modules = [
			{ topics: { publishes: ["ledger.events"], consumes: [] } },
			{ topics: { publishes: [], consumes: ["ledger.events"] } },
			{ topics: { publishes: ["identity.events", "ledger.events"], consumes: [] } },
		];
		expect(publishedTopics(modules)).toEqual(["ledger.events", "identity.events"]);
		expect(withDeadLetterTopics(publishedTopics(modules))).toEqual([
			"ledger.events",
			"ledger.events.dlq",
			"identity.events",
			"identity.events.dlq",
		]);
	});
});

describe("Wakeup", () => {
	it("keeps a wake-up that came while nobody waited, so the next wait returns at once", async () => {
		const wakeup = new Wakeup();
		wakeup.wake();
		const started = performance.now();
		await wakeup.wait(5_000);
		expect(performance.now() - started).toBeLessThan(100);
	});

	it("ends a wait early on a wake-up, and otherwise after the interval", async () => {
		const wakeup = new Wakeup();
		const started = performance.now();
		setTimeout(() => wakeup.wake(), 20);
		await wakeup.wait(5_000);
		expect(performance.now() - started).toBeLessThan(1_000);
		const timed = performance.now();
		await wakeup.wait(50);
		expect(performance.now() - timed).toBeGreaterThanOrEqual(45);
	});
});

import pino from "pino";
import type { EventConsumer } from "../../../platform/eventbus/consumer.ts";
import { ConsumerSet } from "../../../platform/eventbus/consumer-set.ts";

/** Stands in for a consumer group: counts its starts and keeps the latest give-up callback. */
class FakeGroup {
	readonly group = "projection.fake";
	starts = 0;
	stops = 0;
	failFirstStarts = 0;
	gaveUp: ((error: Error) => void) | undefined;

	async start(onGaveUp: (error: Error) => void): Promise<void> {
		this.starts++;
		this.gaveUp = onGaveUp;
		if (this.starts <= this.failFirstStarts) throw new Error("broker not reachable");
	}

	async stop(): Promise<void> {
		this.stops++;
	}
}

const logger = pino({ level: "silent" });
const settle = async (until: () => boolean) => {
	for (let i = 0; i < 200 && !until(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe("ConsumerSet", () => {
	it("starts a group again when kafkajs gives up on it", async () => {
		const group = new FakeGroup();
		const set = new ConsumerSet(logger);
		set.start([group as unknown as EventConsumer]);
		await settle(() => group.starts === 1);
		group.gaveUp?.(new Error("KafkaJSNonRetriableError"));
		await settle(() => group.starts === 2);
		expect(group.starts).toBe(2);
		await set.stop();
	});

	it("retries a group that fails to start, disconnecting each failed attempt", async () => {
		const group = new FakeGroup();
		group.failFirstStarts = 1;
		const set = new ConsumerSet(logger);
		set.start([group as unknown as EventConsumer]);
		await settle(() => group.starts === 2);
		expect(group.starts).toBe(2);
		expect(group.stops).toBe(1);
		await set.stop();
	});

	it("does not start a group again once stopping", async () => {
		const group = new FakeGroup();
		const set = new ConsumerSet(logger);
		set.start([group as unknown as EventConsumer]);
		await settle(() => group.starts === 1);
		await set.stop();
		group.gaveUp?.(new Error("crashed while leaving"));
		await new Promise((r) => setTimeout(r, 50));
		expect(group.starts).toBe(1);
	});
});

import { topicOfModule } from "../../../platform/contracts/index.ts";
import { readCheckpoint } from "../../../platform/relay/index.ts";
import { eventually } from "../../support/node-process.ts";
import { freePort } from "../../support/ports.ts";
import { consumeTopic, relayCaughtUp, relaySuite } from "../../support/relay.ts";

/** The value of a sample without labels of its own (the node label aside). */
function sample(text: string, name: string): number | undefined {
	const line = text.split("\n").find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
	return line === undefined ? undefined : Number(line.split(" ").at(-1));
}

describe("Relay: when Kafka refuses", () => {
	const suite = relaySuite();

	it("keeps its checkpoint and reports the lag, then a relay that reaches Kafka sends everything", async () => {
		const { es } = suite;
		const module = suite.module();
		for (let i = 1; i <= 3; i++) await es.store.append(`${module}-s`, [{ type: `${module}.Happened`, schemaVersion: 1, data: { i } }]);
		// Nothing listens on this port: every connection to "Kafka" is refused.
		const refused = suite.relay({ brokers: [`127.0.0.1:${await freePort()}`] });
		await eventually(async () => refused.relay.active, 5_000, "relay active");
		await new Promise((r) => setTimeout(r, 3_000));

		expect(await readCheckpoint(es.pool)).toEqual({ transactionId: "0", position: 0 });
		const text = await refused.registry.metrics();
		expect(sample(text, "platform_relay_active")).toBe(1);
		expect(sample(text, "platform_relay_lag_positions")).toBe(3);
		expect(sample(text, "platform_relay_lag_seconds")).toBeGreaterThan(2);
		expect(sample(text, "platform_relay_events_total")).toBeUndefined();

		await refused.relay.stop();
		const working = suite.relay();
		await relayCaughtUp(es);
		const records = await consumeTopic(topicOfModule(module), 3);
		expect(records.map((r) => r.value)).toEqual([{ i: 1 }, { i: 2 }, { i: 3 }]);

		const after = await working.registry.metrics();
		expect(sample(after, "platform_relay_lag_positions")).toBe(0);
		expect(sample(after, "platform_relay_lag_seconds")).toBe(0);
		expect(after).toContain(`platform_relay_events_total{topic="${topicOfModule(module)}"} 3`);
	});
});

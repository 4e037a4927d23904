import { fromKafkaMessage, toKafkaMessage } from "../../../platform/eventbus/kafka-record.ts";
import type { RecordedEvent } from "../../../platform/eventstore/index.ts";

const event: RecordedEvent = {
	position: 42,
	streamId: "ledger-account-a1",
	version: 3,
	id: "0b7c6f1e-8a55-4c1b-9a43-1f0a1c1d2e3f",
	type: "ledger.MoneyDeposited",
	schemaVersion: 1,
	data: { accountId: "a1", amount: 500, currency: "EUR" },
	metadata: {
		traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
		userId: "u-7",
		correlationId: "c-1",
		causationId: "k-2",
	},
	transactionId: "1234",
	recordedAt: new Date("2026-11-25T10:00:00.000Z"),
};

/** What a Kafka consumer hands over: buffers, not strings. */
function asConsumed(message: ReturnType<typeof toKafkaMessage>) {
	const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, Buffer.from(String(v))]));
	return { key: Buffer.from(String(message.key)), value: Buffer.from(String(message.value)), headers };
}

describe("Kafka record of an event", () => {
	it("carries the CloudEvents attributes, keyed by stream", () => {
		const message = toKafkaMessage(event);
		expect(message.key).toBe("ledger-account-a1");
		expect(message.headers).toMatchObject({
			ce_specversion: "1.0",
			ce_id: event.id,
			ce_type: "ledger.MoneyDeposited",
			ce_source: "urn:platform:ledger",
			ce_time: "2026-11-25T10:00:00.000Z",
			ce_subject: "ledger-account-a1",
			ce_streamversion: "3",
			ce_position: "42",
			traceparent: event.metadata.traceparent,
			ce_userid: "u-7",
			ce_correlationid: "c-1",
			ce_causationid: "k-2",
		});
	});

	it("decodes back to the same event", () => {
		const { transactionId: _, ...envelope } = event;
		expect(fromKafkaMessage(asConsumed(toKafkaMessage(event)))).toEqual(envelope);
	});

	it("leaves out metadata the event does not have and names a missing required header", () => {
		const bare = toKafkaMessage({ ...event, metadata: {} });
		expect(Object.keys(bare.headers ?? {})).not.toContain("ce_userid");
		const consumed = asConsumed(bare);
		delete (consumed.headers as Record<string, Buffer>).ce_type;
		expect(() => fromKafkaMessage(consumed)).toThrow(/no ce_type header/);
	});
});

import { type Checkpoint, checkpointOf, type RecordedEvent, START } from "../../../platform/eventstore/index.ts";
import { ReadAhead } from "../../../platform/relay/read-ahead.ts";

function recorded(position: number): RecordedEvent {
	return {
		position,
		streamId: `s-${position}`,
		version: 1,
		id: `00000000-0000-4000-8000-${String(position).padStart(12, "0")}`,
		type: "ledger.MoneyDeposited",
		schemaVersion: 1,
		data: {},
		metadata: {},
		transactionId: String(1000 + position),
		recordedAt: new Date("2026-11-25T10:00:00.000Z"),
	};
}

/** A store of events 1..total that records where each read started. */
function storeOf(total: number) {
	const all = Array.from({ length: total }, (_, i) => recorded(i + 1));
	const reads: number[] = [];
	return {
		reads,
		readAll: async (after: Checkpoint, limit: number) => {
			reads.push(after.position);
			return all.filter((e) => e.position > after.position).slice(0, limit);
		},
	};
}

describe("ReadAhead", () => {
	it("reads the next batch while the current one is handled, and hands it to the read from there", async () => {
		const store = storeOf(5);
		const ahead = new ReadAhead(store);
		const first = await ahead.readAll(START, 2);
		expect(store.reads).toEqual([0, 2]);
		const second = await ahead.readAll(checkpointOf(first.at(-1) as RecordedEvent), 2);
		expect(second.map((e) => e.position)).toEqual([3, 4]);
		expect(store.reads).toEqual([0, 2, 4]);
	});

	it("does not read ahead after a partial batch", async () => {
		const store = storeOf(1);
		const ahead = new ReadAhead(store);
		expect(await ahead.readAll(START, 2)).toHaveLength(1);
		expect(store.reads).toEqual([0]);
	});

	it("drops what it read ahead when the next read starts elsewhere", async () => {
		const store = storeOf(5);
		const ahead = new ReadAhead(store);
		await ahead.readAll(START, 2);
		const again = await ahead.readAll(START, 2);
		expect(again.map((e) => e.position)).toEqual([1, 2]);
		expect(store.reads).toEqual([0, 2, 0, 2]);
	});
});

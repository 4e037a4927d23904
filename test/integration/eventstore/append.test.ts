import { randomUUID } from "node:crypto";
import { DuplicateEventError, type NewEvent, WrongExpectedVersionError } from "../../../platform/eventstore/index.ts";
import { createEventStoreDb, type EventStoreDb } from "../../support/event-store-db.ts";
import { requireServers } from "../../support/servers.ts";

const event = (n: number, id?: string): NewEvent => ({ type: "test.Happened", schemaVersion: 1, data: { n }, id });

describe("EventStore.append", () => {
	let es: EventStoreDb;
	beforeAll(async () => {
		await requireServers("postgres");
		es = await createEventStoreDb();
	});
	afterAll(() => es?.close());

	it("appends events to a new stream and reads them back in version order", async () => {
		const result = await es.store.append("s-1", [event(1), event(2)], "no-stream");
		expect(result.version).toBe(2);
		const read = await es.store.readStream("s-1");
		expect(read.map((e) => [e.version, e.data])).toEqual([
			[1, { n: 1 }],
			[2, { n: 2 }],
		]);
		expect(read[1]?.position).toBe(result.position);
		expect(read[0]?.metadata).toEqual({});
	});

	it("reads a stream from a version", async () => {
		await es.store.append("s-from", [event(1), event(2), event(3)]);
		expect((await es.store.readStream("s-from", 2)).map((e) => e.version)).toEqual([2, 3]);
	});

	it("appends at the exact expected version and refuses a stale one with the actual version", async () => {
		await es.store.append("s-2", [event(1)], "no-stream");
		await es.store.append("s-2", [event(2)], 1);
		const stale = es.store.append("s-2", [event(3)], 1);
		await expect(stale).rejects.toBeInstanceOf(WrongExpectedVersionError);
		await expect(stale).rejects.toMatchObject({
			code: 409,
			type: "WRONG_EXPECTED_VERSION",
			data: { streamId: "s-2", expected: 1, actual: 2 },
		});
	});

	it("refuses an expected version ahead of the stream instead of leaving a gap", async () => {
		await es.store.append("s-ahead", [event(1)]);
		await expect(es.store.append("s-ahead", [event(2)], 5)).rejects.toMatchObject({ data: { actual: 1 } });
		expect(await es.store.version("s-ahead")).toBe(1);
	});

	it("refuses no-stream when the stream exists", async () => {
		await es.store.append("s-3", [event(1)]);
		await expect(es.store.append("s-3", [event(2)], "no-stream")).rejects.toBeInstanceOf(WrongExpectedVersionError);
	});

	it("stores nothing of a command whose second event repeats a stored id", async () => {
		const id = randomUUID();
		await es.store.append("s-4", [event(1, id)]);
		await expect(es.store.append("s-5", [event(1), event(2, id)])).rejects.toBeInstanceOf(DuplicateEventError);
		expect(await es.store.readStream("s-5")).toEqual([]);
	});

	it("lets exactly one of many concurrent appends at one expected version win", async () => {
		await es.store.append("s-race", [event(0)], "no-stream");
		const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => es.store.append("s-race", [event(i)], 1)));
		expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
		const losers = outcomes.filter((o) => o.status === "rejected");
		expect(losers).toHaveLength(19);
		for (const loser of losers) expect((loser as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError);
		expect(await es.store.version("s-race")).toBe(2);
	});

	it("gives concurrent appends with any version consecutive versions", async () => {
		await Promise.all(Array.from({ length: 10 }, (_, i) => es.store.append("s-any", [event(i)], "any")));
		expect((await es.store.readStream("s-any")).map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
	});

	it("keeps the metadata it was given", async () => {
		const metadata = { correlationId: "c-1", causationId: "k-1", userId: "u-1", traceparent: "00-abc-def-01" };
		await es.store.append("s-meta", [{ ...event(1), metadata }]);
		expect((await es.store.readStream("s-meta"))[0]?.metadata).toEqual(metadata);
	});
});

describe("EventStore.append, concurrent one-event appends", () => {
	let es: EventStoreDb;
	beforeAll(async () => {
		await requireServers("postgres");
		es = await createEventStoreDb();
	});
	afterAll(() => es?.close());

	it("share transactions, each told where its own event landed", async () => {
		const streams = Array.from({ length: 30 }, (_, i) => `g-${i}`);
		const results = await Promise.all(streams.map((s, i) => es.store.append(s, [event(i)], "no-stream")));
		const stored = await Promise.all(streams.map(async (s) => (await es.store.readStream(s))[0]));
		results.forEach((result, i) => {
			expect(result).toMatchObject({
				streamId: streams[i],
				version: 1,
				position: stored[i]?.position,
				transactionId: stored[i]?.transactionId,
			});
			expect(stored[i]?.data).toEqual({ n: i });
		});
		expect(new Set(results.map((r) => r.transactionId)).size).toBeLessThan(streams.length);
	});

	it("give each append of a group its own outcome: written, stale, or a stored id", async () => {
		await es.store.append("g-stale", [event(1)], "no-stream");
		await es.store.append("g-stale", [event(2)], 1);
		const storedId = randomUUID();
		await es.store.append("g-id", [event(1, storedId)]);
		const [fresh, stale, duplicate, next] = await Promise.allSettled([
			es.store.append("g-fresh", [event(1)], "no-stream"),
			es.store.append("g-stale", [event(3)], 1),
			es.store.append("g-other", [event(1, storedId)]),
			es.store.append("g-stale", [event(3)], 2),
		]);
		expect(fresh).toMatchObject({ status: "fulfilled", value: { streamId: "g-fresh", version: 1 } });
		expect(stale).toMatchObject({ status: "rejected", reason: { type: "WRONG_EXPECTED_VERSION", data: { expected: 1, actual: 3 } } });
		expect((duplicate as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateEventError);
		expect(next).toMatchObject({ status: "fulfilled", value: { streamId: "g-stale", version: 3 } });
		expect(await es.store.readStream("g-other")).toEqual([]);
		expect((await es.store.readStream("g-stale")).map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
	});
});

describe("EventStore.appendToStreams", () => {
	let es: EventStoreDb;
	beforeAll(async () => {
		await requireServers("postgres");
		es = await createEventStoreDb();
	});
	afterAll(() => es?.close());

	const entry = (streamId: string, n: number) => ({ streamId, event: { ...event(n), id: randomUUID() } });

	it("appends each event after its own stream's head, in one statement", async () => {
		await es.store.append("multi-a", [event(0)]);
		const batch = [entry("multi-a", 1), entry("multi-b", 1), entry("multi-a", 2)];
		await es.store.appendToStreams(batch);
		expect((await es.store.readStream("multi-a")).map((e) => [e.version, e.data])).toEqual([
			[1, { n: 0 }],
			[2, { n: 1 }],
			[3, { n: 2 }],
		]);
		expect((await es.store.readStream("multi-b")).map((e) => e.version)).toEqual([1]);
	});

	it("skips an event whose id is already stored, so recording it again adds nothing", async () => {
		const once = entry("multi-c", 1);
		await es.store.appendToStreams([once]);
		await es.store.appendToStreams([once, entry("multi-c", 2)]);
		// The skipped event takes no version: the stream's versions have no gap.
		expect((await es.store.readStream("multi-c")).map((e) => [e.version, e.data])).toEqual([
			[1, { n: 1 }],
			[2, { n: 2 }],
		]);
	});
});

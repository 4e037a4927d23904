import pg from "pg";
import { topicOfModule } from "../../../platform/contracts/index.ts";
import type { EventStoreDb } from "../../support/event-store-db.ts";
import { eventually } from "../../support/node-process.ts";
import {
	type Consumed,
	consumeTopic,
	relayCaughtUp,
	relayLockHolders,
	relaySuite,
	type TestRelay,
	versionsByStream,
} from "../../support/relay.ts";

const STREAMS = 4;
const EVENTS = 200;

/** Appends `count` events round-robin over the streams, one append at a time, a few ms apart. */
async function appendSteadily(es: EventStoreDb, module: string, count: number): Promise<void> {
	for (let i = 0; i < count; i++) {
		await es.store.append(`${module}-${i % STREAMS}`, [{ type: `${module}.Happened`, schemaVersion: 1, data: { i } }]);
		await new Promise((r) => setTimeout(r, 5));
	}
}

/** Every stream's versions 1..n arrived, first arrivals in order (a repeat is allowed only where said). */
function expectComplete(records: Consumed[], module: string, allowRepeats: boolean): void {
	const byStream = versionsByStream(records);
	for (let s = 0; s < STREAMS; s++) {
		const versions = byStream.get(`${module}-${s}`) ?? [];
		const firsts = versions.filter((v, i) => versions.indexOf(v) === i);
		expect(firsts).toEqual(Array.from({ length: EVENTS / STREAMS }, (_, i) => i + 1));
		if (!allowRepeats) expect(versions).toEqual(firsts);
	}
}

describe("Relay: one active per database", () => {
	const suite = relaySuite();

	/** Two relays on one database (exactly one active), and events being appended meanwhile. */
	async function twoRelaysUnderLoad() {
		const module = suite.module();
		const pair = [suite.relay({ batchSize: 10 }), suite.relay({ batchSize: 10 })];
		await eventually(async () => pair.some((r) => r.relay.active), 5_000, "an active relay");
		await new Promise((r) => setTimeout(r, 500));
		expect(pair.filter((r) => r.relay.active)).toHaveLength(1);
		const [active, standby] = (pair[0]?.relay.active ? pair : pair.reverse()) as [TestRelay, TestRelay];
		const writing = appendSteadily(suite.es, module, EVENTS);
		await new Promise((r) => setTimeout(r, 300));
		return { module, active, standby, writing };
	}

	it("lets the standby take over within seconds when the active relay stops, losing and repeating nothing", async () => {
		const { module, active, standby, writing } = await twoRelaysUnderLoad();
		const stopped = performance.now();
		await active.relay.stop();
		expect(active.relay.active).toBe(false);
		await eventually(async () => standby.relay.active, 5_000, "standby active");
		const takeoverMs = performance.now() - stopped;
		await writing;
		await relayCaughtUp(suite.es);

		expect(takeoverMs).toBeLessThan(3_000);
		expectComplete(await consumeTopic(topicOfModule(module), EVENTS), module, false);
	});

	it("lets the standby take over when the active relay's Postgres session is killed, losing nothing", async () => {
		const { module, active, standby, writing } = await twoRelaysUnderLoad();
		const admin = new pg.Client({ connectionString: suite.es.db.url });
		await admin.connect();
		const holders = await relayLockHolders(suite.es.pool);
		try {
			expect(holders).toHaveLength(1);
			await admin.query("SELECT pg_terminate_backend($1)", holders);
		} finally {
			await admin.end();
		}
		// Either relay may win the lock next, the killed one on a new session too; what must hold
		// is that the dead session's lock is gone and a live one took it (watching the killed
		// relay's flag instead misses a step-down it recovers from within the poll).
		const killed = holders[0];
		await eventually(
			async () => {
				const now = await relayLockHolders(suite.es.pool);
				return now.length === 1 && now[0] !== killed && (standby.relay.active || active.relay.active);
			},
			5_000,
			"the lock taken again by a live session",
		);
		await writing;
		await relayCaughtUp(suite.es);
		expect([active, standby].filter((r) => r.relay.active)).toHaveLength(1);

		// A batch sent just before the session died goes again from the checkpoint: repeats, never gaps.
		expectComplete(await consumeTopic(topicOfModule(module), EVENTS), module, true);
	});
});

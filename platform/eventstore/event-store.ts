import { randomUUID } from "node:crypto";
import type pg from "pg";
import { GroupCommit } from "../concurrency/group-commit.ts";
import { inTransaction } from "../postgres/in-transaction.ts";
import { DuplicateEventError, WrongExpectedVersionError } from "./errors.ts";
import { ANY_AFTER, EVENT_AT, HEAD, READ_ALL, READ_STREAM } from "./read-statements.ts";
import { type EventRow, toRecordedEvent } from "./rows.ts";
import { type AppendResult, type Checkpoint, type ExpectedVersion, type NewEvent, type RecordedEvent, START } from "./types.ts";

/** Checks an event against its contract before it is stored; throws a typed error if it fails. */
export type AppendValidator = (event: NewEvent) => void;

const UNIQUE_VIOLATION = "23505";

/**
 * An "any" append that collides with a concurrent one just takes the next version. Each
 * round at least one of the colliding appends wins, so n concurrent appends need up to n
 * rounds; this bounds a pathological case, not ordinary contention.
 */
const ANY_VERSION_ATTEMPTS = 100;

/**
 * The whole append is one statement: the expected-version check, the new versions and the
 * rows, so the events of one command land together or not at all, with a single round trip.
 * A concurrent append to the same stream loses on the (stream_id, stream_version) key.
 */
const APPEND_SQL = (rows: string, condition: string) => `
WITH head AS (SELECT COALESCE(MAX(stream_version), 0) AS version FROM events WHERE stream_id = $1)
INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata)
SELECT $1, head.version + e.ord, e.id, e.type, e.schema_version, e.data, e.metadata
FROM head, ${rows}
WHERE ${condition}
RETURNING global_position, stream_version, transaction_id::text AS transaction_id`;

/** The new rows, from arrays ($2..$6, one element per event) or, for one event, from scalars. */
const MANY_ROWS =
	"unnest($2::uuid[], $3::text[], $4::int[], $5::jsonb[], $6::jsonb[]) WITH ORDINALITY AS e(id, type, schema_version, data, metadata, ord)";
const ONE_ROW = "(VALUES ($2::uuid, $3::text, $4::int, $5::jsonb, $6::jsonb, 1)) AS e(id, type, schema_version, data, metadata, ord)";

const CONDITIONS = { any: "true", "no-stream": "head.version = 0", exact: "head.version = $7" } as const;
type Condition = keyof typeof CONDITIONS;

/**
 * Named, so each pooled connection parses and plans them once: on a one-row append, parsing
 * and planning cost about as much as the insert itself. (Behind PgBouncer this needs its
 * protocol-level prepared statements, 1.21 or later.)
 */
const statementsOf = (rows: string, shape: string) =>
	Object.fromEntries(
		(Object.keys(CONDITIONS) as Condition[]).map((c) => [
			c,
			{ name: `eventstore.append.${shape}.${c}`, text: APPEND_SQL(rows, CONDITIONS[c]) },
		]),
	) as Record<Condition, { name: string; text: string }>;
/** Most commands append one event; a one-row VALUES saves the arrays' encoding and unnesting. */
const APPEND_ONE = statementsOf(ONE_ROW, "one");
const APPEND_MANY = statementsOf(MANY_ROWS, "many");

/**
 * Events to many streams in one statement, each after its stream's head ("any" version);
 * an event whose id is already stored is skipped, so recording it again adds nothing. It is
 * left out before the new versions are counted, so it takes none of them (ON CONFLICT alone
 * skipped it after, leaving a gap in its stream); ON CONFLICT stays for a concurrent insert.
 */
const APPEND_TO_STREAMS = {
	name: "eventstore.append-to-streams",
	text: `
WITH e AS (
  SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::int[], $5::jsonb[], $6::jsonb[])
    WITH ORDINALITY AS e(stream_id, id, type, schema_version, data, metadata, ord)
  WHERE NOT EXISTS (SELECT 1 FROM events stored WHERE stored.event_id = e.id)),
head AS (
  SELECT s.stream_id, COALESCE((SELECT MAX(stream_version) FROM events WHERE stream_id = s.stream_id), 0) AS version
  FROM (SELECT DISTINCT stream_id FROM e) s)
INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata)
SELECT e.stream_id, head.version + row_number() OVER (PARTITION BY e.stream_id ORDER BY e.ord), e.id, e.type, e.schema_version, e.data, e.metadata
FROM e JOIN head USING (stream_id)
ORDER BY e.ord
ON CONFLICT (event_id) DO NOTHING`,
};

/**
 * One-event appends of concurrent commands in one statement, each with its own expected
 * version ($7: null for any, 0 for no stream, else the version). A row that cannot go in (its
 * stream moved, or another row of the group took the same version, or its id is stored) is
 * skipped rather than failing the others; RETURNING tells which went in.
 */
const APPEND_GROUP = {
	name: "eventstore.append.group",
	text: `
WITH e AS (
  SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::int[], $5::jsonb[], $6::jsonb[], $7::int[])
    WITH ORDINALITY AS e(stream_id, id, type, schema_version, data, metadata, expected, ord)),
head AS (
  SELECT s.stream_id, COALESCE((SELECT MAX(stream_version) FROM events WHERE stream_id = s.stream_id), 0) AS version
  FROM (SELECT DISTINCT stream_id FROM e) s)
INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata)
SELECT e.stream_id, head.version + 1, e.id, e.type, e.schema_version, e.data, e.metadata
FROM e JOIN head USING (stream_id)
WHERE e.expected IS NULL OR e.expected = head.version
ORDER BY e.ord
ON CONFLICT DO NOTHING
RETURNING event_id::text AS event_id, global_position, stream_version, transaction_id::text AS transaction_id`,
};

type SingleAppend = { streamId: string; event: NewEvent; id: string; expected: ExpectedVersion };

/** A pool, or a client inside its transaction (see readAll). */
type Queryable = Pick<pg.ClientBase, "query">;

/** An event for its own stream's head, with the id that makes recording it again a no-op. */
export type StreamEntry = { streamId: string; event: NewEvent & { id: string } };

/** A transaction of `EventStore.transact`: its client, and appends that commit with it. */
export type StoreTransaction = {
	client: pg.PoolClient;
	/** As EventStore.appendToStreams, inside the transaction. */
	appendToStreams(entries: readonly StreamEntry[]): Promise<void>;
};

type AppendRow = { global_position: string; stream_version: number; transaction_id: string };

/** The Postgres event store: append to a stream with an expected version, read a stream, read all. */
export class EventStore {
	readonly #pg: pg.Pool;
	readonly #validate: AppendValidator;
	readonly #appended: () => void;
	/**
	 * Most commands append one event. While one append is on its way, the next ones wait and
	 * then go together: one statement, one transaction and one WAL flush for many commands
	 * instead of one each, which is what the store's throughput and its latency under load hang on.
	 */
	readonly #singles = new GroupCommit<SingleAppend, AppendResult | undefined>((group) => this.#appendGroup(group));

	/** `appended` runs after every committed append (the node wakes the relay with it). */
	constructor(pool: pg.Pool, validate: AppendValidator = () => undefined, appended: () => void = () => undefined) {
		this.#pg = pool;
		this.#validate = validate;
		this.#appended = appended;
	}

	/** Appends `events` to `streamId` atomically if the stream is where `expected` says. */
	async append(streamId: string, events: readonly NewEvent[], expected: ExpectedVersion = "any"): Promise<AppendResult> {
		if (events.length === 0) throw new RangeError("append needs at least one event");
		for (const event of events) this.#validate(event);
		const ids = events.map((e) => e.id ?? randomUUID());
		const single = events.length === 1 ? { streamId, event: events[0] as NewEvent, id: ids[0] as string, expected } : undefined;
		for (let attempt = 1; ; attempt++) {
			try {
				// A one-event append its group could not write goes again alone, for its exact outcome.
				const grouped = single && attempt === 1 ? await this.#singles.add(single) : undefined;
				const result = grouped ?? (await this.#appendOnce(streamId, events, ids, expected));
				this.#appended();
				return result;
			} catch (err) {
				const retry = expected === "any" && err instanceof WrongExpectedVersionError && attempt < ANY_VERSION_ATTEMPTS;
				if (!retry) throw err;
			}
		}
	}

	async #appendOnce(streamId: string, events: readonly NewEvent[], ids: string[], expected: ExpectedVersion): Promise<AppendResult> {
		const column = <T>(pick: (e: NewEvent, i: number) => T) => (events.length === 1 ? pick(events[0] as NewEvent, 0) : events.map(pick));
		const params: unknown[] = [
			streamId,
			column((_, i) => ids[i]),
			column((e) => e.type),
			column((e) => e.schemaVersion),
			column((e) => JSON.stringify(e.data)),
			column((e) => JSON.stringify(e.metadata ?? {})),
		];
		const condition: Condition = typeof expected === "number" ? "exact" : expected;
		if (typeof expected === "number") params.push(expected);
		const statement = (events.length === 1 ? APPEND_ONE : APPEND_MANY)[condition];
		let rows: AppendRow[];
		try {
			rows = (await this.#pg.query<AppendRow>({ ...statement, values: params })).rows;
		} catch (err) {
			throw await this.#conflictOrSame(err, streamId, expected, ids);
		}
		const last = rows.at(-1);
		if (!last) throw new WrongExpectedVersionError(streamId, expected, await this.version(streamId));
		return { streamId, version: last.stream_version, position: Number(last.global_position), transactionId: last.transaction_id };
	}

	/**
	 * Writes a group of one-event appends; undefined for each one not written. A group of one
	 * takes the one-row statement, cheaper than the group's arrays; its error is its own. A
	 * group's statement that fails leaves every append of it unwritten, to go again alone: an
	 * error that one row caused must not become the others'.
	 */
	async #appendGroup(group: SingleAppend[]): Promise<(AppendResult | undefined)[]> {
		if (group.length === 1) {
			const { streamId, event, id, expected } = group[0] as SingleAppend;
			return [await this.#appendOnce(streamId, [event], [id], expected)];
		}
		const column = <T>(pick: (single: SingleAppend) => T) => group.map(pick);
		const values = [
			column((a) => a.streamId),
			column((a) => a.id),
			column((a) => a.event.type),
			column((a) => a.event.schemaVersion),
			column((a) => JSON.stringify(a.event.data)),
			column((a) => JSON.stringify(a.event.metadata ?? {})),
			column((a) => (a.expected === "any" ? null : a.expected === "no-stream" ? 0 : a.expected)),
		];
		const rows = await this.#pg
			.query<AppendRow & { event_id: string }>({ ...APPEND_GROUP, values })
			.then((result) => result.rows)
			.catch(() => []);
		const written = new Map(rows.map((row) => [row.event_id, row]));
		return group.map(({ streamId, id }) => {
			const row = written.get(id);
			return row && { streamId, version: row.stream_version, position: Number(row.global_position), transactionId: row.transaction_id };
		});
	}

	/**
	 * Appends each event to its own stream at the stream's head, all in one statement (for
	 * writers with many small independent streams, such as job outcomes). Every event needs its
	 * `id`: one already stored is skipped. A concurrent append to one of the streams fails the
	 * whole statement on the (stream_id, stream_version) key; append those one by one then.
	 */
	async appendToStreams(entries: readonly StreamEntry[]): Promise<void> {
		if (entries.length === 0) return;
		await this.#insertToStreams(entries, this.#pg);
		this.#appended();
	}

	/**
	 * Runs `work` in one transaction, whose appends commit or roll back with whatever else it
	 * writes through `tx.client`. The node hears of the appends (the relay's wake-up) after the
	 * commit, when a reader can see them.
	 */
	async transact<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
		let appended = false;
		const result = await inTransaction(this.#pg, (client) =>
			work({
				client,
				appendToStreams: async (entries) => {
					if (entries.length === 0) return;
					await this.#insertToStreams(entries, client);
					appended = true;
				},
			}),
		);
		if (appended) this.#appended();
		return result;
	}

	async #insertToStreams(entries: readonly StreamEntry[], db: Queryable): Promise<void> {
		for (const { event } of entries) this.#validate(event);
		const column = <T>(pick: (entry: StreamEntry) => T) => entries.map(pick);
		const values = [
			column((x) => x.streamId),
			column((x) => x.event.id),
			column((x) => x.event.type),
			column((x) => x.event.schemaVersion),
			column((x) => JSON.stringify(x.event.data)),
			column((x) => JSON.stringify(x.event.metadata ?? {})),
		];
		await db.query({ ...APPEND_TO_STREAMS, values });
	}

	/** The stream's events from `fromVersion` on, in version order. */
	async readStream(streamId: string, fromVersion = 1): Promise<RecordedEvent[]> {
		const { rows } = await this.#pg.query<EventRow>({ ...READ_STREAM, values: [streamId, fromVersion] });
		return rows.map(toRecordedEvent);
	}

	/**
	 * Up to `limit` committed events after `after` in commit order; never skips a late commit.
	 * `db`: a client whose transaction is open reads through that client, not a second connection
	 * (which a full pool, or the embedded profile's one session, would never hand out).
	 */
	async readAll(after: Checkpoint, limit: number, db: Queryable = this.#pg): Promise<RecordedEvent[]> {
		const { rows } = await db.query<EventRow>({ ...READ_ALL, values: [after.transactionId, after.position, limit] });
		return rows.map(toRecordedEvent);
	}

	/**
	 * Whether committed events lie after `after`. When readAll returned less than asked and this
	 * is true, they are held back behind a transaction still in flight and come out once it ends.
	 */
	async hasEventsAfter(after: Checkpoint): Promise<boolean> {
		const { rows } = await this.#pg.query<{ any: boolean }>({ ...ANY_AFTER, values: [after.transactionId, after.position] });
		return rows[0]?.any === true;
	}

	/** Where the store ends in commit order: the place after which only new appends will come; START when empty. */
	async head(): Promise<Checkpoint> {
		const { rows } = await this.#pg.query<{ transaction_id: string; global_position: string }>(HEAD);
		const row = rows[0];
		return row ? { transactionId: row.transaction_id, position: Number(row.global_position) } : START;
	}

	/** The event recorded at a global position, if any (to look up what a reply's position refers to); `db` as in readAll. */
	async eventAt(position: number, db: Queryable = this.#pg): Promise<RecordedEvent | undefined> {
		const { rows } = await db.query<EventRow>({ ...EVENT_AT, values: [position] });
		return rows[0] ? toRecordedEvent(rows[0]) : undefined;
	}

	/** The stream's current version; 0 when it does not exist. */
	async version(streamId: string): Promise<number> {
		const { rows } = await this.#pg.query<{ version: number }>(
			"SELECT COALESCE(MAX(stream_version), 0) AS version FROM events WHERE stream_id = $1",
			[streamId],
		);
		return rows[0]?.version ?? 0;
	}

	async #conflictOrSame(err: unknown, streamId: string, expected: ExpectedVersion, ids: string[]): Promise<unknown> {
		const pgErr = err as { code?: string; constraint?: string };
		if (pgErr.code !== UNIQUE_VIOLATION) return err;
		if (pgErr.constraint === "events_event_id_key") {
			return new DuplicateEventError(ids.length === 1 ? (ids[0] as string) : ids.join(", "));
		}
		return new WrongExpectedVersionError(streamId, expected, await this.version(streamId));
	}
}

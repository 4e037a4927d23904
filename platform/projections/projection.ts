import type pg from "pg";
import type { EventEnvelope } from "../eventbus/kafka-record.ts";

/** An event as a projection handler sees it: its payload decoded to the current version. */
export type ProjectedEvent = EventEnvelope;

/**
 * What a handler writes through: the transaction the event's inbox row commits in, and the
 * real name of each of the projection's tables (a rebuild points them at fresh copies).
 */
export type ProjectionDb = {
	query: pg.PoolClient["query"];
	/** The quoted name of one of the projection's tables, by its key in `tables`. */
	table(key: string): string;
};

export type ProjectionHandler = (event: ProjectedEvent, db: ProjectionDb) => Promise<void>;

/**
 * A handler that takes a run of events at once, in order, so it can write them with a few
 * set-based statements instead of a round trip per event. Consecutive events whose types
 * map to the same batch handler (the same object) reach it together.
 */
export type ProjectionBatchHandler = { batch: (events: ProjectedEvent[], db: ProjectionDb) => Promise<void> };

export function batchHandler(batch: ProjectionBatchHandler["batch"]): ProjectionBatchHandler {
	return { batch };
}

/**
 * A read model built from events: the topics it reads, one handler per event type it cares
 * about (per event, or set-based with `batchHandler`), and the tables it owns (created by the module's migrations). Runs as the Kafka
 * consumer group `projection.<name>`.
 */
export type Projection = {
	name: string;
	topics: string[];
	/** Key -> table name, e.g. { balances: "ledger_account_balances" }. */
	tables: Record<string, string>;
	handlers: Record<string, ProjectionHandler | ProjectionBatchHandler>;
	/**
	 * The entities an applied event changes, as its queries name them in the query cache
	 * (keys within the projection's namespace, e.g. `account:<id>`): their cached answers are
	 * invalidated around the commit that changes them.
	 */
	cacheKeys?: (event: ProjectedEvent) => string[];
};

export function defineProjection(projection: Projection): Projection {
	return projection;
}

export function groupOf(projection: { name: string }): string {
	return `projection.${projection.name}`;
}

import type { z } from "zod";

/**
 * One version of one event type: its payload schema, an example for the catalog, and for
 * versions after the first, how to lift the previous version's payload to this one.
 */
export type EventContract<S extends z.ZodType = z.ZodType> = {
	/** `<module>.<PastTenseName>`, e.g. ledger.AccountOpened; the module part names the topic. */
	type: string;
	version: number;
	description: string;
	schema: S;
	example: z.input<S>;
	/** Turns a payload of `version - 1` into this version's payload. */
	upcast?: (previous: unknown) => unknown;
};

/** Declares a contract; the identity function, there for the inferred types. */
export function defineEvent<S extends z.ZodType>(contract: EventContract<S>): EventContract<S> {
	return contract;
}

/** The module that owns an event type, from its `<module>.` prefix. */
export function moduleOfType(type: string): string {
	const dot = type.indexOf(".");
	return dot > 0 ? type.slice(0, dot) : type;
}

/** The Kafka topic a module's events are published to. */
export function topicOfModule(module: string): string {
	return `${module}.events`;
}

import type { z } from "zod";
import type { PermissionRule } from "../auth/index.ts";

/** An event as a decider returns it: its type and payload; the version comes from the catalog. */
export type DecidedEvent = { type: string; data: unknown };

/** An event as evolve sees it: decoded and upcast to the current version of its type. */
export type AppliedEvent = { type: string; data: unknown };

/** One command of an aggregate: its input schema, which stream it addresses, and the decision. */
export type CommandDefinition<State, Schema extends z.ZodType = z.ZodType> = {
	description: string;
	schema: Schema;
	/** The aggregate id the command addresses, from the parsed command. */
	aggregateId(command: z.output<Schema>): string;
	/**
	 * The events that follow from the command given the current state; [] when it changes
	 * nothing (a repeated command). Broken invariants throw a BusinessError.
	 */
	decide(command: z.output<Schema>, state: State, version: number): DecidedEvent[];
	/** The command's REST route (`"POST /accounts"`), for commands served through the gateway. */
	rest?: string;
	/** Who may send it through a gateway; required with `rest` (see PermissionRule). */
	permissions?: PermissionRule;
};

/**
 * An event-sourced aggregate as a module declares it: pure functions over its own events,
 * from which the kernel derives the command actions.
 */
export type Aggregate<State> = {
	/** Streams are `<streamPrefix>-<aggregate id>`. */
	streamPrefix: string;
	/**
	 * When set, an action of this name answers { streamId, version, state } for { id }, read
	 * from the store (never a cache): what a process manager checks before acting again on a
	 * redelivered event.
	 */
	stateAction?: string;
	initialState: State;
	evolve(state: State, event: AppliedEvent): State;
	// biome-ignore lint/suspicious/noExplicitAny: each command has its own schema; the definition checks each one.
	commands: Record<string, CommandDefinition<State, any>>;
};

/** Declares an aggregate; the identity function, there for the inferred types. */
export function defineAggregate<State>(aggregate: Aggregate<State>): Aggregate<State> {
	return aggregate;
}

/** Declares one command of an aggregate, inferring the command type from its schema. */
export function defineCommand<State, Schema extends z.ZodType>(
	command: CommandDefinition<State, Schema>,
): CommandDefinition<State, Schema> {
	return command;
}

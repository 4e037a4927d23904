import { z } from "zod";
import type { EventCatalog } from "../contracts/index.ts";
import { parseInput } from "../errors/index.ts";
import { type EventMetadata, type EventStore, WrongExpectedVersionError } from "../eventstore/index.ts";
import type { Aggregate, DecidedEvent } from "./aggregate.ts";
import type { AggregateCache, Snapshot } from "./aggregate-cache.ts";

/** What a command replies: the stream it changed, its new version and the global position reached. */
export const commandResult = z.strictObject({
	streamId: z.string(),
	version: z.number().int(),
	/** Name it to a query of the read models to read this write (read-your-writes). */
	position: z.number().int(),
});
export type CommandResult = z.output<typeof commandResult>;

type RunnerOptions = { store: EventStore; catalog: EventCatalog; cache: AggregateCache; conflictRetries: number };

/**
 * Runs a command against its aggregate: parse, load (from the cache or the stream), decide,
 * append with the expected version; on a conflict reload and decide again, a bounded
 * number of times, so concurrent commands serialise on the stream without locks.
 */
export class CommandRunner {
	readonly #options: RunnerOptions;

	constructor(options: RunnerOptions) {
		this.#options = options;
	}

	/** Parses `input` with the command's schema, then runs it. */
	async execute<State>(aggregate: Aggregate<State>, name: string, input: unknown, metadata: EventMetadata): Promise<CommandResult> {
		return this.run(aggregate, name, parseInput(commandOf(aggregate, name).schema, input), metadata);
	}

	/** Runs a command already parsed with its schema, as a command action's params are (the pipeline parses them). */
	async run<State>(aggregate: Aggregate<State>, name: string, command: unknown, metadata: EventMetadata): Promise<CommandResult> {
		const definition = commandOf(aggregate, name);
		const streamId = `${aggregate.streamPrefix}-${definition.aggregateId(command)}`;
		const { cache, conflictRetries } = this.#options;

		// A cached state may be stale; the conflict it then causes does not count as a retry.
		let attemptsLeft = conflictRetries + 1;
		for (;;) {
			const cached = cache.get<State>(streamId);
			const current = cached ?? (await this.#load(aggregate, streamId));
			const decided = definition.decide(command, current.state, current.version);
			if (decided.length === 0) return { streamId, version: current.version, position: current.position };
			try {
				const appended = await this.#append(streamId, decided, current.version, metadata);
				const state = decided.reduce(aggregate.evolve, current.state);
				cache.set(streamId, { state, version: appended.version, position: appended.position });
				return { streamId, version: appended.version, position: appended.position };
			} catch (err) {
				if (!(err instanceof WrongExpectedVersionError)) throw err;
				cache.forget(streamId);
				if (!cached) attemptsLeft--;
				if (attemptsLeft === 0) throw err;
			}
		}
	}

	/** The aggregate's state as stored now, bypassing the cache. */
	async state<State>(aggregate: Aggregate<State>, aggregateId: string): Promise<{ streamId: string; version: number; state: State }> {
		const streamId = `${aggregate.streamPrefix}-${aggregateId}`;
		const { state, version } = await this.#load(aggregate, streamId);
		return { streamId, version, state };
	}

	async #load<State>(aggregate: Aggregate<State>, streamId: string): Promise<Snapshot<State>> {
		const events = await this.#options.store.readStream(streamId);
		let state = aggregate.initialState;
		for (const event of events) state = aggregate.evolve(state, this.#options.catalog.decode(event.type, event.schemaVersion, event.data));
		const last = events.at(-1);
		return { state, version: last?.version ?? 0, position: last?.position ?? 0 };
	}

	#append(streamId: string, decided: DecidedEvent[], version: number, metadata: EventMetadata): Promise<CommandResult> {
		const { catalog, store } = this.#options;
		const events = decided.map((e) => ({ type: e.type, schemaVersion: catalog.current(e.type).version, data: e.data, metadata }));
		return store.append(streamId, events, version === 0 ? "no-stream" : version);
	}
}

function commandOf<State>(aggregate: Aggregate<State>, name: string) {
	const definition = aggregate.commands[name];
	if (!definition) throw new RangeError(`aggregate has no command ${name}`);
	return definition;
}

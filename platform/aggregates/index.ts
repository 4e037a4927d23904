export {
	type Aggregate,
	type AppliedEvent,
	type CommandDefinition,
	type DecidedEvent,
	defineAggregate,
	defineCommand,
} from "./aggregate.ts";
export { AggregateCache, type Snapshot } from "./aggregate-cache.ts";
export { type CommandMeta, commandMetadata } from "./command-metadata.ts";
export { type CommandResult, CommandRunner, commandResult } from "./command-runner.ts";

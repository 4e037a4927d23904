import type { ActionSchema, Context, ServiceSchema } from "moleculer";
import { z } from "zod";
import { type Aggregate, type CommandMeta, type CommandResult, commandMetadata, commandResult } from "../platform/aggregates/index.ts";
import { platformOf } from "../platform/bootstrap/index.ts";
import { PlatformMixin } from "./platform.mixin.ts";

/** The id of a state action: what a stream id holds after the aggregate's prefix. */
const stateParams = z.strictObject({ id: z.string().min(1).max(64) });

/**
 * Turns each command of an aggregate into an action of the service: `ledger.deposit` takes
 * the command's zod schema as its `input` (so the pipeline parses it, and the OpenAPI
 * document shows it), loads the stream, decides, appends with the expected version and
 * replies { streamId, version, position }. With `stateAction` set, one more action answers
 * the aggregate's stored state.
 */
export function EventSourcedMixin<State>(aggregate: Aggregate<State>): Partial<ServiceSchema> {
	const actions: Record<string, ActionSchema> = {};
	for (const [name, command] of Object.entries(aggregate.commands)) {
		actions[name] = {
			description: command.description,
			...(command.rest ? { rest: command.rest } : {}),
			...(command.permissions ? { permissions: command.permissions } : {}),
			input: command.schema,
			output: commandResult,
			handler(this: { broker: Parameters<typeof platformOf>[0] }, ctx: Context<unknown, CommandMeta>): Promise<CommandResult> {
				const runner = platformOf(this.broker).container.resolve("commandRunner");
				return runner.run(aggregate, name, ctx.params, commandMetadata(ctx));
			},
		};
	}
	if (aggregate.stateAction) {
		actions[aggregate.stateAction] = {
			input: stateParams,
			handler(this: { broker: Parameters<typeof platformOf>[0] }, ctx: Context<z.output<typeof stateParams>>) {
				return platformOf(this.broker).container.resolve("commandRunner").state(aggregate, ctx.params.id);
			},
		};
	}
	return { mixins: [PlatformMixin], actions };
}

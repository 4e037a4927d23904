import type { ActionSchema, Context, ServiceSchema } from "moleculer";
import { type Aggregate, type CommandMeta, type CommandResult, commandMetadata } from "../platform/aggregates/index.ts";
import { platformOf } from "../platform/bootstrap/index.ts";
import { PlatformMixin } from "./platform.mixin.ts";

/**
 * Turns each command of an aggregate into an action of the service: `ledger.deposit` parses
 * its params with the command's zod schema, loads the stream, decides, appends with the
 * expected version and replies { streamId, version, position }. With `stateAction` set, one
 * more action answers the aggregate's stored state.
 */
export function EventSourcedMixin<State>(aggregate: Aggregate<State>): Partial<ServiceSchema> {
	const actions: Record<string, ActionSchema> = {};
	for (const [name, command] of Object.entries(aggregate.commands)) {
		actions[name] = {
			...(command.rest ? { rest: command.rest } : {}),
			...(command.permissions ? { permissions: command.permissions } : {}),
			handler(this: { broker: Parameters<typeof platformOf>[0] }, ctx: Context<unknown, CommandMeta>): Promise<CommandResult> {
				const runner = platformOf(this.broker).container.resolve("commandRunner");
				return runner.execute(aggregate, name, ctx.params, commandMetadata(ctx));
			},
		};
	}
	if (aggregate.stateAction) {
		actions[aggregate.stateAction] = {
			params: { id: { type: "string", min: 1, max: 64 } },
			handler(this: { broker: Parameters<typeof platformOf>[0] }, ctx: Context<{ id: string }>) {
				return platformOf(this.broker).container.resolve("commandRunner").state(aggregate, ctx.params.id);
			},
		};
	}
	return { mixins: [PlatformMixin], actions };
}

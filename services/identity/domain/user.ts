import { z } from "zod";
import { defineAggregate, defineCommand } from "../../../platform/aggregates/index.ts";
import { ConflictError } from "../../../platform/errors/index.ts";

export type UserState = { registered: boolean };

/**
 * A user's stream: `identity-user-<userId>`. Credentials live beside it (identity_credentials);
 * identity.changePassword appends `identity.PasswordChanged` in the same transaction as the new
 * hash, outside this aggregate, whose decisions do not depend on it.
 */
export const user = defineAggregate<UserState>({
	streamPrefix: "identity-user",
	initialState: { registered: false },
	evolve: (state, event) => (event.type === "identity.UserRegistered" ? { ...state, registered: true } : state),
	commands: {
		recordRegistration: defineCommand({
			description: "Records a registration whose credentials are stored (identity.register calls it).",
			schema: z.strictObject({ userId: z.uuid(), email: z.email(), displayName: z.string().min(1).max(100) }),
			aggregateId: (c) => c.userId,
			decide(command, state: UserState) {
				if (state.registered) throw new ConflictError(`User ${command.userId} is already registered`, "USER_EXISTS");
				return [{ type: "identity.UserRegistered", data: command }];
			},
		}),
	},
});

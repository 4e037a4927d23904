import { z } from "zod";
import { defineAggregate, defineCommand } from "../../platform/aggregates/index.ts";
import { evolveRoles } from "../../platform/auth/index.ts";

export type UserRolesState = { roles: string[] };

const grant = z.strictObject({ userId: z.uuid(), role: z.string().regex(/^[a-z][a-z0-9-]*$/, "must be a role name") });

/** A user's roles: stream `authz-user-<userId>` (the stream the RoleView folds). */
export const userRoles = defineAggregate<UserRolesState>({
	streamPrefix: "authz-user",
	initialState: { roles: [] },
	evolve: (state, event) => ({ roles: evolveRoles(state.roles, event) }),
	commands: {
		grantRole: defineCommand({
			description: "Gives a user a role; granting one it has changes nothing.",
			schema: grant,
			aggregateId: (c) => c.userId,
			decide: (c, state: UserRolesState) => (state.roles.includes(c.role) ? [] : [{ type: "authz.RoleGranted", data: c }]),
		}),
		revokeRole: defineCommand({
			description: "Takes a role from a user; revoking one it lacks changes nothing.",
			schema: grant,
			aggregateId: (c) => c.userId,
			decide: (c, state: UserRolesState) => (state.roles.includes(c.role) ? [{ type: "authz.RoleRevoked", data: c }] : []),
		}),
	},
});

import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { z } from "zod";
import { PlatformMixin, type WithPlatform } from "../../mixins/platform.mixin.ts";
import { type CommandMeta, commandMetadata } from "../../platform/aggregates/index.ts";
import { parseInput, ValidationError } from "../../platform/errors/index.ts";
import { userRoles } from "./user-roles.ts";

const roleParams = z.strictObject({ id: z.uuid(), role: z.string().min(1) });
const userParams = z.strictObject({ id: z.uuid() });

type Self = WithPlatform & { changeRole(ctx: Context<unknown, CommandMeta>, command: "grantRole" | "revokeRole"): Promise<unknown> };

/**
 * Roles of users: `grantRole` and `revokeRole` record events in the user's roles stream and
 * then publish the new list to the role view every node's authorization reads; `roles`
 * answers a user's granted roles. REST: /api/v1/users/:id/roles.
 */
export default {
	name: "authz",
	mixins: [PlatformMixin],
	settings: { rest: "/users" },
	actions: {
		grantRole: {
			rest: "POST /:id/roles",
			permissions: ["authz:roles:write"],
			handler(ctx: Context<unknown, CommandMeta>) {
				return this.changeRole(ctx, "grantRole");
			},
		},
		revokeRole: {
			rest: "DELETE /:id/roles/:role",
			permissions: ["authz:roles:write"],
			handler(ctx: Context<unknown, CommandMeta>) {
				return this.changeRole(ctx, "revokeRole");
			},
		},
		roles: {
			rest: "GET /:id/roles",
			permissions: ["authz:roles:read"],
			async handler(ctx: Context<unknown>) {
				const { id } = parseInput(userParams, ctx.params);
				return { userId: id, roles: await this.resolve("roleView").rolesOf(id) };
			},
		},
	},
	methods: {
		async changeRole(ctx: Context<unknown, CommandMeta>, command: "grantRole" | "revokeRole") {
			const { id, role } = parseInput(roleParams, ctx.params);
			if (!this.platform().config.authz.roles[role]) {
				throw new ValidationError([{ field: "role", reason: "is not a role defined in authz.roles" }]);
			}
			const runner = this.resolve("commandRunner");
			const result = await runner.execute(userRoles, command, { userId: id, role }, commandMetadata(ctx));
			const { state } = await runner.state(userRoles, id);
			await this.resolve("roleView").changed(id, state.roles);
			return { ...result, userId: id, roles: state.roles };
		},
	},
} satisfies ServiceSchema<ServiceSettingSchema, Self>;

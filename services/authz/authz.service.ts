import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { z } from "zod";
import { PlatformMixin, type WithPlatform } from "../../mixins/platform.mixin.ts";
import { type CommandMeta, commandMetadata } from "../../platform/aggregates/index.ts";
import { ValidationError } from "../../platform/errors/index.ts";
import { userRoles } from "./user-roles.ts";

const roleParams = z.strictObject({ id: z.uuid(), role: z.string().min(1) });
const userParams = z.strictObject({ id: z.uuid() });

type RoleContext = Context<z.output<typeof roleParams>, CommandMeta>;
type Self = WithPlatform & { changeRole(ctx: RoleContext, command: "grantRole" | "revokeRole"): Promise<unknown> };

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
			description: "Grants a user a role defined in authz.roles; granting one it has changes nothing.",
			input: roleParams,
			handler(ctx: RoleContext) {
				return this.changeRole(ctx, "grantRole");
			},
		},
		revokeRole: {
			rest: "DELETE /:id/roles/:role",
			permissions: ["authz:roles:write"],
			description: "Takes a role from a user; revoking one it lacks changes nothing.",
			input: roleParams,
			handler(ctx: RoleContext) {
				return this.changeRole(ctx, "revokeRole");
			},
		},
		roles: {
			rest: "GET /:id/roles",
			permissions: ["authz:roles:read"],
			description: "The roles granted to a user (besides the default roles every user holds).",
			input: userParams,
			async handler(ctx: Context<z.output<typeof userParams>>) {
				const { id } = ctx.params;
				return { userId: id, roles: await this.resolve("roleView").rolesOf(id) };
			},
		},
	},
	methods: {
		async changeRole(ctx: RoleContext, command: "grantRole" | "revokeRole") {
			const { id, role } = ctx.params;
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

import { randomUUID } from "node:crypto";
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { z } from "zod";
import { PlatformMixin, type WithPlatform } from "../../mixins/platform.mixin.ts";
import { type CommandMeta, commandMetadata } from "../../platform/aggregates/index.ts";
import { ValidationError } from "../../platform/errors/index.ts";
import type { EventMetadata } from "../../platform/eventstore/index.ts";
import { setUpFirstAdmin } from "./first-admin.ts";
import { userRoles } from "./user-roles.ts";

const roleParams = z.strictObject({ id: z.uuid(), role: z.string().min(1) });
const userParams = z.strictObject({ id: z.uuid() });

type RoleContext = Context<z.output<typeof roleParams>, CommandMeta>;
type RoleChange = { id: string; role: string; command: "grantRole" | "revokeRole"; metadata: EventMetadata };
type Self = WithPlatform & { changeRole(change: RoleChange): Promise<unknown>; firstAdminSetup?: AbortController };

/**
 * Roles of users: `grantRole` and `revokeRole` record events in the user's roles stream and
 * then publish the new list to the role view every node's authorization reads; `roles`
 * answers a user's granted roles. REST: /api/v1/users/:id/roles. At start it makes sure the
 * administrator of authz.admin holds `admin` (first-admin.ts).
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
				return this.changeRole({ ...ctx.params, command: "grantRole", metadata: commandMetadata(ctx) });
			},
		},
		revokeRole: {
			rest: "DELETE /:id/roles/:role",
			permissions: ["authz:roles:write"],
			description: "Takes a role from a user; revoking one it lacks changes nothing.",
			input: roleParams,
			handler(ctx: RoleContext) {
				return this.changeRole({ ...ctx.params, command: "revokeRole", metadata: commandMetadata(ctx) });
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
		async changeRole({ id, role, command, metadata }: RoleChange) {
			if (!this.platform().config.authz.roles[role]) {
				throw new ValidationError([{ field: "role", reason: "is not a role defined in authz.roles" }]);
			}
			const runner = this.resolve("commandRunner");
			const result = await runner.execute(userRoles, command, { userId: id, role }, metadata);
			const { state } = await runner.state(userRoles, id);
			await this.resolve("roleView").changed(id, state.roles);
			return { ...result, userId: id, roles: state.roles };
		},
	},
	async started() {
		const { admin } = this.platform().config.authz;
		if (!admin) return;
		this.firstAdminSetup = new AbortController();
		await setUpFirstAdmin(
			admin,
			{
				broker: this.broker,
				holdsAdmin: async (id) => (await this.resolve("roleView").rolesOf(id)).includes("admin"),
				// The service's own actions are not callable before it has started.
				grantAdmin: (id) => this.changeRole({ id, role: "admin", command: "grantRole", metadata: { correlationId: randomUUID() } }),
				logger: this.platform().logger.child({ mod: "authz" }),
			},
			this.firstAdminSetup.signal,
		);
	},
	stopped() {
		this.firstAdminSetup?.abort();
	},
} satisfies ServiceSchema<ServiceSettingSchema, Self>;

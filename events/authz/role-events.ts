import { z } from "zod";
import { defineEvent } from "../../platform/contracts/index.ts";

const grant = z.strictObject({ userId: z.uuid(), role: z.string().regex(/^[a-z][a-z0-9-]*$/) });

export const RoleGranted = defineEvent({
	type: "authz.RoleGranted",
	version: 1,
	description: "A user was given a role; the role's permissions (authz.roles in config) apply from now on.",
	schema: grant,
	example: { userId: "5d0c2a8e-4f1b-4f6e-9a57-2f7f3c0b9e11", role: "accountant" },
});

export const RoleRevoked = defineEvent({
	type: "authz.RoleRevoked",
	version: 1,
	description: "A role was taken from a user.",
	schema: grant,
	example: { userId: "5d0c2a8e-4f1b-4f6e-9a57-2f7f3c0b9e11", role: "accountant" },
});

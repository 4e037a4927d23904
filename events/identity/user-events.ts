import { z } from "zod";
import { defineEvent } from "../../platform/contracts/index.ts";

export const UserRegistered = defineEvent({
	type: "identity.UserRegistered",
	version: 1,
	description: "A user registered with an email and a display name (the password never leaves the identity module).",
	schema: z.strictObject({ userId: z.uuid(), email: z.email(), displayName: z.string().min(1).max(100) }),
	example: { userId: "5d0c2a8e-4f1b-4f6e-9a57-2f7f3c0b9e11", email: "ada@example.com", displayName: "Ada Lovelace" },
});

export const PasswordChanged = defineEvent({
	type: "identity.PasswordChanged",
	version: 1,
	description: "A user changed their password; every session they had was ended (the password itself never leaves the identity module).",
	schema: z.strictObject({ userId: z.uuid() }),
	example: { userId: "5d0c2a8e-4f1b-4f6e-9a57-2f7f3c0b9e11" },
});

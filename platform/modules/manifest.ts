import { z } from "zod";

const moduleName = z
	.string()
	.regex(/^[a-z][a-z0-9-]*$/, "must be lower-case letters, digits and dashes, starting with a letter")
	// migrations/platform/ holds the kernel's own tables.
	.refine((name) => name !== "platform", "is reserved for the kernel");

/** The schema of services/<module>/module.yaml. */
export const manifestSchema = z.strictObject({
	name: moduleName,
	version: z.string().regex(/^\d+\.\d+\.\d+([-+].*)?$/, "must be a semantic version such as 1.0.0"),
	description: z.string().min(1),
	dependsOn: z.array(moduleName).default([]),
	/** Permissions this module defines, e.g. ledger:accounts:read. */
	permissions: z.array(z.string().regex(/^[a-z][a-z0-9-]*(:[a-z0-9*-]+)+$/, "must look like module:resource:verb")).default([]),
	topics: z
		.strictObject({
			publishes: z.array(z.string().min(1)).default([]),
			consumes: z.array(z.string().min(1)).default([]),
		})
		.prefault({}),
});

export type Manifest = z.infer<typeof manifestSchema>;

/** A manifest together with the folder it was found in. */
export type ModuleDescriptor = Manifest & { dir: string; file: string };

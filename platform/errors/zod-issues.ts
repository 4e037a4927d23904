import type { z } from "zod";
import { type FieldIssue, ValidationError } from "./business-errors.ts";

/** zod's issues as the caller's field paths (`amount.minor`) and reasons. */
export function fieldIssues(error: z.ZodError, prefix = ""): FieldIssue[] {
	return error.issues.map((issue) => {
		const path = issue.path.map(String).join(".");
		return { field: [prefix, path].filter(Boolean).join(".") || "(body)", reason: issue.message };
	});
}

/** Parses untrusted input with `schema`, or throws a ValidationError naming every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
	const parsed = schema.safeParse(input);
	if (!parsed.success) throw new ValidationError(fieldIssues(parsed.error));
	return parsed.data;
}

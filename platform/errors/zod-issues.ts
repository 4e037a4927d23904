import type { z } from "zod";
import type { FieldIssue } from "./business-errors.ts";

/** zod's issues as the caller's field paths (`amount.minor`) and reasons. */
export function fieldIssues(error: z.ZodError, prefix = ""): FieldIssue[] {
	return error.issues.map((issue) => {
		const path = issue.path.map(String).join(".");
		return { field: [prefix, path].filter(Boolean).join(".") || "(body)", reason: issue.message };
	});
}

import { z } from "zod";

/** A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) as plain data. */
export type JsonSchema = { [keyword: string]: unknown };

/** The JSON Schemas of an action's declared input and output, as its definition carries them to every node. */
export type ActionJsonSchemas = { input?: JsonSchema; output?: JsonSchema };

/**
 * A zod schema as the JSON Schema of what a caller sends (`input`: coerced and defaulted
 * fields as they may arrive) or receives (`output`). What JSON Schema cannot say (a transform,
 * a refinement) is left open rather than refused. Without `$schema`: OpenAPI 3.1 documents
 * default to this dialect, and every definition carries one less string to every node.
 */
export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): JsonSchema {
	const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io, unrepresentable: "any" });
	return json;
}

import type { z } from "zod";
import { parseInput } from "../errors/index.ts";
import { type ActionJsonSchemas, jsonSchemaOf } from "./json-schema.ts";

/**
 * What a declaration becomes on the action's definition: `parseParams` (a function, which
 * Moleculer's clones keep by reference and its INFO packet leaves out) and `jsonSchema` (plain
 * data, which travels to every node, where gateways document it).
 */
export type PortableSchemas = { parseParams?: (params: unknown) => unknown; jsonSchema?: ActionJsonSchemas };

type SchemaLike = { mixins?: unknown; actions?: Record<string, unknown> };
type Declared = { input?: z.ZodType; output?: z.ZodType };

/**
 * A service schema, and every mixin in it, with each action's zod `input` and `output` turned
 * into PortableSchemas. Moleculer deep-clones schemas (lodash `cloneDeep`, when it merges
 * mixins and creates actions), which strips zod's non-enumerable internals, and sends each
 * action's definition to the other nodes; so this runs before Moleculer sees the schema. It
 * copies what it changes and never touches the module's own objects, which a second broker in
 * the same process creates again.
 */
export function portableSchema<S>(schema: S): S {
	if (typeof schema !== "object" || schema === null) return schema;
	const { mixins, actions } = schema as SchemaLike;
	const copy: SchemaLike = { ...schema };
	if (mixins !== undefined) copy.mixins = [mixins].flat().map(portableSchema);
	if (actions !== undefined) copy.actions = Object.fromEntries(Object.entries(actions).map(([name, def]) => [name, portableAction(def)]));
	return copy as S;
}

/** An action definition with its declared schemas made portable; a handler-only or `false` action as it is. */
function portableAction(def: unknown): unknown {
	if (typeof def !== "object" || def === null) return def;
	const { input, output, ...rest } = def as Declared & Record<string, unknown>;
	if (input === undefined && output === undefined) return def;
	const jsonSchema: ActionJsonSchemas = {};
	const portable: PortableSchemas = { jsonSchema };
	if (input !== undefined) {
		jsonSchema.input = jsonSchemaOf(input, "input");
		portable.parseParams = (params) => parseInput(input, params);
	}
	if (output !== undefined) jsonSchema.output = jsonSchemaOf(output, "output");
	return { ...rest, ...portable };
}

// moleculer's service.d.ts is `export = Service`: its namespace members are the module's own.
declare module "../../node_modules/moleculer/src/service.js" {
	interface ActionSchema<TThis> {
		/**
		 * The action's params: every call is parsed with it after authorization and rate limits,
		 * and the handler gets zod's output (coerced, defaulted) or the caller a 422 naming each
		 * field. The OpenAPI document shows it as the path, query or body parameters.
		 */
		input?: z.ZodType;
		/** What the action answers, for the OpenAPI document; not checked when the action runs. */
		output?: z.ZodType;
		/** What the action does, in a sentence: the OpenAPI document's summary of its routes. */
		description?: string;
	}
}

import type { Context, Middleware } from "moleculer";
import { type PortableSchemas, portableSchema } from "./declared-schemas.ts";

type CreateService = (schema: unknown, mods?: unknown) => unknown;

/**
 * Gives every action the zod schemas it declares (`input`, `output`): each service schema is
 * made portable as it is created (see portableSchema), and each call's params are parsed with
 * the action's `input` and replaced by zod's output, or the call is refused with a
 * ValidationError (422 naming each field). The innermost of the platform's middlewares, so
 * parsing follows authorization and rate limits: a caller without the right learns nothing
 * about the parameters. It parses every call, nested ones too; handlers trust `ctx.params`.
 */
export function InputMiddleware(): Middleware {
	return {
		name: "Input",
		createService(next: CreateService): CreateService {
			return (schema, mods) => next(portableSchema(schema), portableSchema(mods));
		},
		localAction(next: (ctx: Context) => Promise<unknown>, action: PortableSchemas) {
			const parse = action.parseParams;
			if (!parse) return next;
			return async (ctx: Context) => {
				ctx.params = parse(ctx.params);
				return next(ctx);
			};
		},
	} as Middleware;
}

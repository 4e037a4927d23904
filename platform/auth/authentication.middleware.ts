import type { Context, Middleware } from "moleculer";
import type { AccessTokens, TokenUser } from "./access-tokens.ts";

/** What callers and gateways put in ctx.meta, and what this middleware turns it into. */
export type AuthMeta = { authorization?: string; user?: TokenUser };

const BEARER = /^Bearer\s+(\S+)$/i;

/**
 * Turns `ctx.meta.authorization` (`Bearer <access token>`, set by a gateway from its request)
 * into `ctx.meta.user` at the first action that sees it, on whichever node: the token is
 * verified once, dropped from the meta, and the user travels on with every nested call. A
 * bad token is a 401 there and then; no token leaves the call anonymous (authorization
 * decides what anonymous callers may do).
 */
export function AuthenticationMiddleware(tokens: () => AccessTokens): Middleware {
	return {
		name: "Authentication",
		localAction(next: (ctx: Context) => Promise<unknown>) {
			return async (ctx: Context<unknown, AuthMeta>) => {
				const header = ctx.meta.authorization;
				if (header !== undefined) {
					delete ctx.meta.authorization;
					const token = BEARER.exec(header)?.[1];
					ctx.meta.user = await tokens().verify(token ?? "");
				}
				return next(ctx);
			};
		},
	} as Middleware;
}

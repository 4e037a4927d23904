import type { Context, Middleware } from "moleculer";
import { UnauthenticatedError } from "../errors/index.ts";
import type { AccessTokens, TokenUser } from "./access-tokens.ts";

/** What callers and gateways put in ctx.meta, and what this middleware turns it into. */
export type AuthMeta = {
	authorization?: string;
	user?: TokenUser;
	/** Why a token that came along was not accepted (the call then runs anonymous). */
	authFailure?: { type: string; message: string };
	/** The client's address as the gateway took it (for per-IP limits). */
	ip?: string;
};

const BEARER = /^Bearer\s+(\S+)$/i;

/**
 * Turns `ctx.meta.authorization` (`Bearer <access token>`, set by a gateway from its request)
 * into `ctx.meta.user` at the first action that sees it, on whichever node: the token is
 * verified once, dropped from the meta, and the user travels on with every nested call. A
 * token that does not verify leaves the call anonymous with `authFailure` saying why, so an
 * expired token sent along with a login or a refresh does not stand in its way; an action
 * that needs a user refuses with that reason (`requireUser`).
 */
export function AuthenticationMiddleware(tokens: () => AccessTokens): Middleware {
	return {
		name: "Authentication",
		localAction(next: (ctx: Context) => Promise<unknown>) {
			return async (ctx: Context<unknown, AuthMeta>) => {
				const header = ctx.meta.authorization;
				if (header !== undefined) {
					// Cleared rather than deleted: `delete` would turn the meta, which Moleculer copies
					// into every nested call and merges back, into a slow dictionary object.
					ctx.meta.authorization = undefined;
					const token = BEARER.exec(header)?.[1];
					try {
						ctx.meta.user = await tokens().verify(token ?? "");
					} catch (err) {
						if (!(err instanceof UnauthenticatedError)) throw err;
						ctx.meta.authFailure = { type: String(err.type), message: err.message };
					}
				}
				return next(ctx);
			};
		},
	} as Middleware;
}

/** The caller, or a 401 saying why there is none (no token, or the token's failure). */
export function requireUser(ctx: Context<unknown, AuthMeta>): TokenUser {
	if (ctx.meta.user) return ctx.meta.user;
	const failure = ctx.meta.authFailure;
	throw new UnauthenticatedError(failure?.message ?? "An access token is required", failure?.type ?? "TOKEN_MISSING");
}

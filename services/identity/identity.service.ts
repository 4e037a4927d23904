import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { z } from "zod";
import { JobsMixin } from "../../mixins/jobs.mixin.ts";
import { PlatformMixin, type WithPlatform } from "../../mixins/platform.mixin.ts";
import { commandMetadata } from "../../platform/aggregates/index.ts";
import { type AuthMeta, hashPassword, requireUser, type TokenUser, verifyPassword } from "../../platform/auth/index.ts";
import { ConflictError, UnauthenticatedError, ValidationError } from "../../platform/errors/index.ts";
import { defineJob } from "../../platform/jobs/index.ts";
import { user } from "./domain/user.ts";
import { claimEmail } from "./email-claims.ts";
import { LoginThrottle } from "./login-throttle.ts";
import { replacePassword } from "./password-change.ts";
import { endSession, purgeExpired, rotate, startSession } from "./sessions.ts";

const email = z
	.email()
	.max(254)
	.transform((e) => e.toLowerCase());
/** Long enough to matter, short enough that hashing it is not a denial of service. */
const password = z.string().min(10, "must have at least 10 characters").max(200);
const registerParams = z.strictObject({ email, password, displayName: z.string().trim().min(1).max(100) });
const loginParams = z.strictObject({ email, password: z.string().min(1).max(200) });
const refreshParams = z.strictObject({ refreshToken: z.string().min(1).max(200) });
const changePasswordParams = z.strictObject({ currentPassword: z.string().min(1).max(200), newPassword: password });

const tokenUser = z.strictObject({ id: z.uuid(), email: z.email(), name: z.string() });
const tokenPair = z.strictObject({
	tokenType: z.literal("Bearer"),
	accessToken: z.string().describe("A JWT (EdDSA); send it as `Authorization: Bearer <token>`."),
	expiresIn: z.number().int().describe("Seconds the access token is valid."),
	refreshToken: z.string().describe("Trade it once at /auth/refresh for a new pair."),
	user: tokenUser,
});
const registered = z.strictObject({
	userId: z.uuid(),
	email: z.email(),
	displayName: z.string(),
	position: z.number().int().optional().describe("Where the registration event sits; absent when an earlier attempt recorded it."),
});

/** Equalises the time of a login for an unknown email with one for a known one. */
let decoyHash: Promise<string> | undefined;

type Credentials = { user_id: string; email: string; display_name: string; password_hash: string };
type TokenPair = z.output<typeof tokenPair>;
const tokenUserOf = (row: Credentials): TokenUser => ({ id: row.user_id, email: row.email, name: row.display_name });
type Self = WithPlatform & {
	throttle: LoginThrottle;
	signingIn(email: string, password: string): Promise<TokenUser>;
	credentialsMatching(email: string, password: string): Promise<Credentials>;
	registeredCredentials(email: string): Promise<Credentials | undefined>;
	tokensFor(who: TokenUser, refreshToken: string | undefined): Promise<TokenPair>;
};

const purgeRefreshTokens = defineJob({
	name: "identity.purgeRefreshTokens",
	description: "Deletes refresh tokens past their expiry, hourly.",
	payload: z.strictObject({}),
	cron: { schedule: "17 * * * *", payload: {} },
	maxAttempts: 3,
	concurrency: 1,
	async handler(_payload, ctx) {
		const deleted = await purgeExpired(ctx.resolve("pg"));
		ctx.logger.info({ deleted }, "expired refresh tokens purged");
		return { deleted };
	},
});

/**
 * Users and sessions: `register` (an event-sourced user; the password hash stays in
 * identity_credentials), `login` (scrypt, throttled per account and per IP) answering an
 * access token and a refresh token, `refresh` (rotates; a reused token revokes its family),
 * `logout`, `changePassword` (ends every session), `me` (the caller of a verified access
 * token), `jwks`, and `userIdOf` and `verifyCredentials` for other services.
 */
export default {
	name: "identity",
	mixins: [PlatformMixin, JobsMixin([purgeRefreshTokens])],
	// REST: /api/v1/auth/...; `me` at /api/v1/me and the JWKS at /.well-known/jwks.json.
	settings: { rest: "/auth" },
	actions: {
		register: {
			rest: "POST /register",
			permissions: "public",
			description: "Registers a user with an email, a password and a display name.",
			input: registerParams,
			output: registered,
			successStatus: 201,
			// Every registration costs a password hash; a script must not make the node spend its CPU on them.
			rateLimit: { perIp: { points: 10, durationSeconds: 60 } },
			async handler(ctx: Context<z.output<typeof registerParams>, AuthMeta>): Promise<z.output<typeof registered>> {
				const input = ctx.params;
				const { config } = this.platform();
				const hash = await hashPassword(input.password, config.auth.passwordCost);
				const pg = this.resolve("pg");
				const userId = await claimEmail(pg, {
					email: input.email,
					displayName: input.displayName,
					password: input.password,
					passwordHash: hash,
				});
				const registration = { userId, email: input.email, displayName: input.displayName };
				const recorded = await this.resolve("commandRunner")
					.execute(user, "recordRegistration", registration, commandMetadata(ctx))
					.catch((err: unknown) => {
						// Recorded by the attempt that was cut short: finish what it started.
						if (err instanceof ConflictError && err.type === "USER_EXISTS") return undefined;
						throw err;
					});
				await pg.query("UPDATE identity_credentials SET registered = true WHERE user_id = $1", [userId]);
				return { ...registration, position: recorded?.position };
			},
		},

		login: {
			rest: "POST /login",
			permissions: "public",
			description: "Answers an access token and a refresh token for a right email and password.",
			input: loginParams,
			output: tokenPair,
			// Failed logins are throttled apart (LoginThrottle); this bounds the hashing right ones cost too.
			rateLimit: { perIp: { points: 60, durationSeconds: 60 } },
			async handler(ctx: Context<z.output<typeof loginParams>, AuthMeta>) {
				const input = ctx.params;
				const throttle = this.throttle;
				await throttle.attempt(input.email, ctx.meta.ip);
				const found = await this.signingIn(input.email, input.password);
				await throttle.succeeded(input.email, ctx.meta.ip);
				return this.tokensFor(found, undefined);
			},
		},

		userIdOf: {
			// No route and no permissions: for other services and the REPL only.
			description: "The id of the registered user with this email, or null.",
			input: z.strictObject({ email }),
			output: z.strictObject({ userId: z.uuid().nullable() }),
			async handler(ctx: Context<{ email: string }>) {
				return { userId: (await this.registeredCredentials(ctx.params.email))?.user_id ?? null };
			},
		},

		verifyCredentials: {
			// No route and no permissions: for other services (authz's first administrator) and the REPL only.
			description: "The user an email and password sign in as, without a session or the login throttle; 401 if none.",
			input: loginParams,
			output: z.strictObject({ userId: z.uuid() }),
			async handler(ctx: Context<z.output<typeof loginParams>>) {
				const found = await this.signingIn(ctx.params.email, ctx.params.password);
				return { userId: found.id };
			},
		},

		refresh: {
			rest: "POST /refresh",
			permissions: "public",
			description: "Trades a refresh token for a new pair; a token used twice revokes its whole family.",
			input: refreshParams,
			output: tokenPair,
			async handler(ctx: Context<z.output<typeof refreshParams>>) {
				const { refreshToken } = ctx.params;
				const pg = this.resolve("pg");
				const rotated = await rotate(pg, refreshToken, this.platform().config.auth.refreshTokenTtlDays);
				const { rows } = await pg.query<Credentials>("SELECT user_id, email, display_name FROM identity_credentials WHERE user_id = $1", [
					rotated.userId,
				]);
				const found = rows[0];
				if (!found) throw new UnauthenticatedError("Refresh token invalid", "TOKEN_INVALID");
				return this.tokensFor(tokenUserOf(found), rotated.refreshToken);
			},
		},

		logout: {
			rest: "POST /logout",
			permissions: "public",
			description: "Ends the session of a refresh token.",
			input: refreshParams,
			output: z.strictObject({ loggedOut: z.literal(true) }),
			async handler(ctx: Context<z.output<typeof refreshParams>>) {
				const { refreshToken } = ctx.params;
				await endSession(this.resolve("pg"), refreshToken);
				return { loggedOut: true as const };
			},
		},

		changePassword: {
			rest: "POST /password",
			permissions: "authenticated",
			description:
				"Replaces the caller's password, given the current one. Every session of the caller ends; the answer is a new pair for this one.",
			input: changePasswordParams,
			output: tokenPair,
			// Each change costs a password hash; failed ones also count against the login throttle.
			rateLimit: { perUser: { points: 5, durationSeconds: 60 } },
			async handler(ctx: Context<z.output<typeof changePasswordParams>, AuthMeta>) {
				const caller = requireUser(ctx);
				const { currentPassword, newPassword } = ctx.params;
				// A stolen access token must not become a way to guess the password unthrottled.
				await this.throttle.attempt(caller.email, ctx.meta.ip);
				const verified = await this.credentialsMatching(caller.email, currentPassword).catch((err: unknown) => {
					if (err instanceof UnauthenticatedError) {
						throw new ValidationError([{ field: "currentPassword", reason: "is not the account's password" }]);
					}
					throw err;
				});
				await this.throttle.succeeded(caller.email, ctx.meta.ip);
				if (newPassword === currentPassword) {
					throw new ValidationError([{ field: "newPassword", reason: "must differ from the current password" }]);
				}
				await replacePassword(this.resolve("eventStore"), {
					userId: verified.user_id,
					verifiedHash: verified.password_hash,
					newHash: await hashPassword(newPassword, this.platform().config.auth.passwordCost),
					metadata: commandMetadata(ctx),
				});
				return this.tokensFor(tokenUserOf(verified), undefined);
			},
		},

		me: {
			rest: { method: "GET", path: "/me", basePath: "/" },
			permissions: "authenticated",
			description: "The caller, as its access token names it.",
			output: tokenUser,
			handler(ctx: Context<unknown, AuthMeta>) {
				return requireUser(ctx);
			},
		},

		/** The public signing key, for anyone verifying our access tokens. */
		wellKnownJwks: {
			rest: { method: "GET", path: "/jwks.json", basePath: "/" },
			permissions: "public",
			description: "The public key that verifies access tokens, as a JSON Web Key Set.",
			output: z.strictObject({ keys: z.array(z.looseObject({ kty: z.string(), kid: z.string(), alg: z.string() })) }),
			handler() {
				return this.resolve("accessTokens").jwks();
			},
		},
	},
	methods: {
		/** The registered user `email` and `password` belong to, or 401 BAD_CREDENTIALS; as slow for an unknown email as for a known one. */
		async signingIn(email: string, password: string): Promise<TokenUser> {
			return tokenUserOf(await this.credentialsMatching(email, password));
		},

		/** The credentials row `email` and `password` sign in as, or 401 BAD_CREDENTIALS (see signingIn). */
		async credentialsMatching(email: string, password: string): Promise<Credentials> {
			const found = await this.registeredCredentials(email);
			decoyHash ??= hashPassword("decoy password", this.platform().config.auth.passwordCost);
			const matches = await verifyPassword(password, found?.password_hash ?? (await decoyHash));
			if (!found || !matches) throw new UnauthenticatedError("Email or password is wrong", "BAD_CREDENTIALS");
			return found;
		},

		/** The credentials row of the registered user with this email, if any. */
		async registeredCredentials(email: string): Promise<Credentials | undefined> {
			const { rows } = await this.resolve("pg").query<Credentials>(
				"SELECT user_id, email, display_name, password_hash FROM identity_credentials WHERE email = $1 AND registered",
				[email],
			);
			return rows[0];
		},

		/** An access token for the user, and a refresh token: the rotated one, or a new family's. */
		async tokensFor(who: TokenUser, refreshToken: string | undefined): Promise<TokenPair> {
			const { auth } = this.platform().config;
			const access = await this.resolve("accessTokens").issue(who);
			return {
				tokenType: "Bearer",
				...access,
				refreshToken: refreshToken ?? (await startSession(this.resolve("pg"), who.id, auth.refreshTokenTtlDays)),
				user: who,
			};
		},
	},
	created() {
		const { config } = this.platform();
		this.throttle = new LoginThrottle(this.resolve("sharedRedis"), config.auth.login, config.redis.keyPrefix);
	},
	async started() {
		// A signing key that cannot be read stops the start, not the first login.
		await this.resolve("accessTokens").jwks();
	},
} satisfies ServiceSchema<ServiceSettingSchema, Self>;

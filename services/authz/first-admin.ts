import { setTimeout as sleep } from "node:timers/promises";
import type { ServiceBroker } from "moleculer";
import type { Logger } from "pino";
import { backoffDelay } from "../../platform/retry/index.ts";

export type FirstAdmin = { email: string; password: string };
type Deps = {
	broker: ServiceBroker;
	holdsAdmin: (userId: string) => Promise<boolean>;
	grantAdmin: (userId: string) => Promise<unknown>;
	logger: Logger;
};

/** How long one attempt waits for identity (it may run on another node, or be starting). */
const IDENTITY_WAIT_MS = 10_000;
/** Longest pause between background attempts. */
const RETRY_CAP_MS = 60_000;

const codeOf = (err: unknown) => (err as { code?: unknown }).code;

/** The account registered for `admin` now, or undefined when its email was taken (409). */
function register(broker: ServiceBroker, admin: FirstAdmin): Promise<{ userId: string } | undefined> {
	return broker.call<{ userId: string }, object>("identity.register", { ...admin, displayName: "Administrator" }).catch((err: unknown) => {
		if (codeOf(err) !== 409) throw err;
		return undefined;
	});
}

/** The account `admin`'s email and password sign in as, or undefined (401). */
function verify(broker: ServiceBroker, admin: FirstAdmin): Promise<{ userId: string } | undefined> {
	return broker.call<{ userId: string }, FirstAdmin>("identity.verifyCredentials", admin).catch((err: unknown) => {
		if (codeOf(err) !== 401) throw err;
		return undefined;
	});
}

/**
 * Makes the administrator config names (authz.admin) an account that holds `admin`: registers
 * it unless its email is registered, then grants `admin` to the account that signs in with the
 * configured password. An email someone registered first with another password gets nothing
 * (an error line says so): the email alone proves nothing, since registration does not verify
 * it. An account that holds `admin` already is left as it is. Every step is idempotent, so
 * every node runs this at start, at once or not.
 */
async function ensureFirstAdmin(admin: FirstAdmin, { broker, holdsAdmin, grantAdmin, logger }: Deps): Promise<void> {
	// Identity usually starts beside this service; Moleculer would check again only after a second.
	await broker.waitForServices("identity", IDENTITY_WAIT_MS, 20);
	// Every start but the first finds it done, and must not spend a password hash (~0.1 s) on it.
	const { userId } = await broker.call<{ userId: string | null }, { email: string }>("identity.userIdOf", { email: admin.email });
	if (userId !== null && (await holdsAdmin(userId))) return;
	// A registration that answers holds the configured password: no second hash to prove it.
	let signedIn = userId === null ? await register(broker, admin) : undefined;
	signedIn ??= await verify(broker, admin);
	if (!signedIn) {
		logger.error(
			{ email: admin.email },
			"authz.admin: this email is registered and the configured password does not sign in as it, so it is not granted admin. " +
				"The configured password is only the account's first: if someone else registered the email, name another; " +
				"if you changed it in config, change the account's password (POST /api/v1/auth/password) instead",
		);
		return;
	}
	await grantAdmin(signedIn.userId);
}

/**
 * Runs ensureFirstAdmin as the node starts. When it fails (identity not served in time,
 * Postgres slow, identity nodes on older code), the start goes on, since serving does not
 * need the administrator: the failure is logged and the setup retried in the background,
 * with backoff, until it succeeds or `signal` aborts (the service stops).
 */
export async function setUpFirstAdmin(admin: FirstAdmin, deps: Deps, signal: AbortSignal): Promise<void> {
	const { logger } = deps;
	try {
		return await ensureFirstAdmin(admin, deps);
	} catch (err) {
		logger.error({ err, email: admin.email }, "authz.admin: the first administrator is not set up yet; retrying in the background");
	}
	void (async () => {
		for (let attempt = 1; ; attempt++) {
			try {
				await sleep(backoffDelay(attempt, 1_000, RETRY_CAP_MS), undefined, { signal, ref: false });
				await ensureFirstAdmin(admin, deps);
				logger.info({ email: admin.email }, "authz.admin: the first administrator is set up");
				return;
			} catch (err) {
				if (signal.aborted) return;
				logger.warn({ err, email: admin.email, attempt }, "authz.admin: setting up the first administrator failed again");
			}
		}
	})();
}

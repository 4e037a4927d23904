import type { ServiceBroker } from "moleculer";
import type { Logger } from "pino";

export type FirstAdmin = { email: string; password: string };

const codeOf = (err: unknown) => (err as { code?: unknown }).code;

/**
 * Makes the administrator config names (authz.admin) an account that holds `admin`: registers
 * it unless its email is registered, then grants `admin` to the account that signs in with the
 * configured password. An email someone registered first with another password gets nothing
 * (an error line says so): the email alone proves nothing, since registration does not verify
 * it. Every step is idempotent, so every node runs this at start, at once or not.
 */
export async function ensureFirstAdmin(
	broker: ServiceBroker,
	admin: FirstAdmin,
	{ grantAdmin, logger }: { grantAdmin: (userId: string) => Promise<unknown>; logger: Logger },
): Promise<void> {
	await broker.call("identity.register", { ...admin, displayName: "Administrator" }).catch((err: unknown) => {
		if (codeOf(err) !== 409) throw err;
	});
	const signedIn = await broker.call<{ userId: string }, FirstAdmin>("identity.verifyCredentials", admin).catch((err: unknown) => {
		if (codeOf(err) !== 401) throw err;
		return undefined;
	});
	if (!signedIn) {
		logger.error(
			{ email: admin.email },
			"authz.admin: this email is registered with another password; not granting it admin (name another email, or remove that account)",
		);
		return;
	}
	await grantAdmin(signedIn.userId);
}

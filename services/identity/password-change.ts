import { randomUUID } from "node:crypto";
import { PasswordChanged } from "../../events/identity/index.ts";
import { ConflictError } from "../../platform/errors/index.ts";
import type { EventMetadata, EventStore } from "../../platform/eventstore/index.ts";
import { endEverySession } from "./sessions.ts";

export type PasswordChange = { userId: string; verifiedHash: string; newHash: string; metadata: EventMetadata };

/**
 * Stores a user's new password hash, records `identity.PasswordChanged` and ends every session
 * of the user, all in one transaction, and only over the hash the caller verified: of two
 * changes made with one password, the second finds it replaced and changes nothing (409),
 * instead of replacing the first one's password or keeping its own session.
 */
export async function replacePassword(store: EventStore, { userId, verifiedHash, newHash, metadata }: PasswordChange): Promise<void> {
	await store.transact(async (tx) => {
		const { rowCount } = await tx.client.query(
			"UPDATE identity_credentials SET password_hash = $3 WHERE user_id = $1 AND password_hash = $2",
			[userId, verifiedHash, newHash],
		);
		if (rowCount === 0) throw new ConflictError("The password was changed meanwhile; sign in again", "PASSWORD_CHANGED");
		const event = { id: randomUUID(), type: PasswordChanged.type, schemaVersion: PasswordChanged.version, data: { userId }, metadata };
		await tx.appendToStreams([{ streamId: `identity-user-${userId}`, event }]);
		await endEverySession(tx.client, userId);
	});
}

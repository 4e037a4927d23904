import { randomUUID } from "node:crypto";
import type pg from "pg";
import { hashRefreshToken, newRefreshToken } from "../../platform/auth/index.ts";
import { UnauthenticatedError } from "../../platform/errors/index.ts";
import { deleteInBatches, inTransaction } from "../../platform/postgres/index.ts";

type TokenRow = { family_id: string; user_id: string; expires_at: Date; used_at: Date | null; revoked_at: Date | null };

const INSERT_TOKEN = `INSERT INTO identity_refresh_tokens (token_hash, family_id, user_id, expires_at)
VALUES ($1, $2, $3, now() + make_interval(days => $4))`;

/** Starts a family (a login) with its first refresh token. */
export async function startSession(pool: pg.Pool, userId: string, ttlDays: number): Promise<string> {
	const { token, hash } = newRefreshToken();
	await pool.query(INSERT_TOKEN, [hash, randomUUID(), userId, ttlDays]);
	return token;
}

/**
 * Rotations and revocations of one family take turns. A revocation's UPDATE sees only the
 * rows committed when it starts; without the lock, a rotation committing meanwhile would add a
 * token that the logout (or the reuse detection) meant to revoke, and that token would live on.
 */
const LOCK_FAMILY = "SELECT pg_advisory_xact_lock(hashtextextended('identity.refresh-family:' || $1::text, 0))";

/**
 * Uses up a refresh token and hands out the next one of its family. A token used before or
 * revoked means someone else holds a copy: the whole family is revoked.
 */
export async function rotate(pool: pg.Pool, token: string, ttlDays: number): Promise<{ userId: string; refreshToken: string }> {
	const hash = hashRefreshToken(token);
	const rotated = await inTransaction(pool, async (client) => {
		const family = await familyOf(client, hash);
		if (family === undefined) return undefined;
		await client.query(LOCK_FAMILY, [family]);
		const { rows } = await client.query<TokenRow>(
			`UPDATE identity_refresh_tokens SET used_at = now()
			 WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()
			 RETURNING family_id, user_id`,
			[hash],
		);
		const current = rows[0];
		if (!current) return undefined;
		const next = newRefreshToken();
		await client.query(INSERT_TOKEN, [next.hash, current.family_id, current.user_id, ttlDays]);
		return { userId: current.user_id, refreshToken: next.token };
	});
	if (rotated) return rotated;
	const { rows } = await pool.query<TokenRow>(
		"SELECT family_id, user_id, expires_at, used_at, revoked_at FROM identity_refresh_tokens WHERE token_hash = $1",
		[hash],
	);
	const known = rows[0];
	if (!known) throw new UnauthenticatedError("Refresh token invalid", "TOKEN_INVALID");
	if (known.used_at || known.revoked_at) {
		await revokeFamily(pool, known.family_id);
		throw new UnauthenticatedError("Refresh token already used; every session of this login is revoked", "TOKEN_REUSED");
	}
	throw new UnauthenticatedError("Refresh token expired", "TOKEN_EXPIRED");
}

/** Logout: the token's whole family is revoked. Unknown tokens are ignored (logging out twice is fine). */
export async function endSession(pool: pg.Pool, token: string): Promise<void> {
	const family = await familyOf(pool, hashRefreshToken(token));
	if (family !== undefined) await revokeFamily(pool, family);
}

/**
 * Ends every session of a user (a password change), inside the caller's transaction: each
 * family with a live token (one not yet used or revoked) is revoked as logout revokes one,
 * under its lock, so a rotation in flight cannot add a token the revocation misses.
 */
export async function endEverySession(client: pg.PoolClient, userId: string): Promise<void> {
	const { rows } = await client.query<{ family_id: string }>(
		"SELECT DISTINCT family_id FROM identity_refresh_tokens WHERE user_id = $1 AND used_at IS NULL AND revoked_at IS NULL",
		[userId],
	);
	for (const { family_id } of rows) await revokeFamilyWithin(client, family_id);
}

async function familyOf(db: pg.Pool | pg.PoolClient, tokenHash: string): Promise<string | undefined> {
	const { rows } = await db.query<{ family_id: string }>("SELECT family_id FROM identity_refresh_tokens WHERE token_hash = $1", [
		tokenHash,
	]);
	return rows[0]?.family_id;
}

async function revokeFamily(pool: pg.Pool, familyId: string): Promise<void> {
	await inTransaction(pool, (client) => revokeFamilyWithin(client, familyId));
}

/** Revokes a family in the caller's transaction, which holds the family's lock until it ends. */
async function revokeFamilyWithin(client: pg.PoolClient, familyId: string): Promise<void> {
	await client.query(LOCK_FAMILY, [familyId]);
	await client.query("UPDATE identity_refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL", [familyId]);
}

/** Deletes refresh tokens past their expiry, a batch at a time; the number deleted. */
export function purgeExpired(pool: pg.Pool, batch = 10_000): Promise<number> {
	return deleteInBatches(
		pool,
		`DELETE FROM identity_refresh_tokens WHERE token_hash IN (
		   SELECT token_hash FROM identity_refresh_tokens WHERE expires_at < now() LIMIT $1)`,
		[],
		batch,
	);
}

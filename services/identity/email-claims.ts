import { randomUUID } from "node:crypto";
import type pg from "pg";
import { verifyPassword } from "../../platform/auth/index.ts";
import { ConflictError } from "../../platform/errors/index.ts";

/**
 * How long a claim on an email stays with the registration that made it. A registration takes
 * well under this from its claim to its row marked registered; a row still unregistered after
 * it was left by a registration cut short.
 */
const CLAIM_SECONDS = 60;

export type Claim = { email: string; displayName: string; password: string; passwordHash: string };

/**
 * Claims an email for a registration: the user id it registers under, or 409 EMAIL_TAKEN. A row
 * left unregistered is taken over at once by a retry with the same password (the same person
 * finishing what was cut short), by anyone else only once its claim has lapsed: otherwise a
 * second registration racing the first would replace its password and both would answer 201.
 */
export async function claimEmail(pool: pg.Pool, claim: Claim): Promise<string> {
	const { rows } = await pool.query<{ user_id: string }>(
		`INSERT INTO identity_credentials (user_id, email, display_name, password_hash) VALUES ($1, $2, $3, $4)
		 ON CONFLICT (email) DO UPDATE
		   SET display_name = EXCLUDED.display_name, password_hash = EXCLUDED.password_hash, claimed_at = now()
		 WHERE identity_credentials.registered = false AND identity_credentials.claimed_at < now() - make_interval(secs => $5)
		 RETURNING user_id`,
		[randomUUID(), claim.email, claim.displayName, claim.passwordHash, CLAIM_SECONDS],
	);
	if (rows[0]) return rows[0].user_id;
	const held = await pool.query<{ user_id: string; registered: boolean; password_hash: string }>(
		"SELECT user_id, registered, password_hash FROM identity_credentials WHERE email = $1",
		[claim.email],
	);
	const row = held.rows[0];
	if (row && !row.registered && (await verifyPassword(claim.password, row.password_hash))) return row.user_id;
	throw new ConflictError("This email is already registered", "EMAIL_TAKEN", { field: "email" });
}

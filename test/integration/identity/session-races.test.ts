import { randomUUID } from "node:crypto";
import { join } from "node:path";
import pg from "pg";
import pino from "pino";
import { migrate } from "../../../platform/migrate/index.ts";
import { endSession, rotate, startSession } from "../../../services/identity/sessions.ts";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { PROJECT_ROOT } from "../../support/node-process.ts";
import { requireServers } from "../../support/servers.ts";

const DAYS = 30;

/**
 * A pool whose rotation pauses after using up the old token and before adding the next one:
 * the moment a logout or a reuse detection racing it used to miss. Real Postgres; only time is
 * added, and only while the rotation holds its client (released clients go back unchanged).
 */
function pausingRotations(pool: pg.Pool, pauseMs: number): pg.Pool {
	return new Proxy(pool, {
		get(target, prop) {
			if (prop !== "connect") return Reflect.get(target, prop);
			// pool.query connects with a callback; only transactions (the promise form) pause.
			return async (...callback: unknown[]) => {
				if (callback.length > 0) return (target.connect as (...a: unknown[]) => unknown)(...callback);
				const client = await target.connect();
				const { query, release } = client;
				const pausing = async (...args: unknown[]) => {
					if (typeof args[0] === "string" && args[0].startsWith("INSERT INTO identity_refresh_tokens")) {
						await new Promise((resolve) => setTimeout(resolve, pauseMs));
					}
					return (query as (...a: unknown[]) => unknown).apply(client, args);
				};
				const restoring = (...args: unknown[]) => {
					Object.assign(client, { query, release });
					return (release as (...a: unknown[]) => unknown).apply(client, args);
				};
				return Object.assign(client, { query: pausing, release: restoring });
			};
		},
	});
}

describe("refresh token families under concurrent use", () => {
	let db: TestDatabase;
	let pool: pg.Pool;
	let userId: string;
	beforeAll(async () => {
		await requireServers("postgres");
		db = await createTestDatabase("identity_session_races");
		pool = new pg.Pool({ connectionString: db.url, max: 4 });
		await migrate(pool, join(PROJECT_ROOT, "migrations"), ["identity"], pino({ level: "silent" }));
		userId = randomUUID();
		await pool.query(
			"INSERT INTO identity_credentials (user_id, email, display_name, password_hash, registered) VALUES ($1, 'race@example.com', 'Race', 'x', true)",
			[userId],
		);
	});
	afterAll(async () => {
		await pool?.end();
		await db?.drop();
	});

	it("revokes the token a rotation adds while the session is logged out", async () => {
		const token = await startSession(pool, userId, DAYS);
		const rotating = rotate(pausingRotations(pool, 300), token, DAYS);
		await new Promise((r) => setTimeout(r, 100));
		await endSession(pool, token);
		const next = await rotating;
		await expect(rotate(pool, next.refreshToken, DAYS)).rejects.toMatchObject({ type: "TOKEN_REUSED" });
	});

	it("revokes the token a rotation adds while a reused copy revokes the family", async () => {
		const first = await startSession(pool, userId, DAYS);
		const { refreshToken: second } = await rotate(pool, first, DAYS);
		const rotating = rotate(pausingRotations(pool, 300), second, DAYS);
		await new Promise((r) => setTimeout(r, 100));
		await expect(rotate(pool, first, DAYS)).rejects.toMatchObject({ type: "TOKEN_REUSED" });
		const third = await rotating;
		await expect(rotate(pool, third.refreshToken, DAYS)).rejects.toMatchObject({ type: "TOKEN_REUSED" });
	});
});

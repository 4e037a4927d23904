import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { status } from "@grpc/grpc-js";
import { SignJWT } from "jose";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { grpcClient } from "../../support/grpc-client.ts";
import { requestJson } from "../../support/http.ts";
import { type NodeProcess, startNode } from "../../support/node-process.ts";
import { requireServers } from "../../support/servers.ts";

const NOW = () => Math.floor(Date.now() / 1000);
const base64url = (value: object | string) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

describe("forged and doctored access tokens, through REST and gRPC", () => {
	const keys = generateKeyPairSync("ed25519");
	let db: TestDatabase;
	let node: NodeProcess;
	let grpc: ReturnType<typeof grpcClient>;
	let userId: string;

	/** A token as the node would issue it for the test user, with one thing changed. */
	const token = (change: { header?: object; claims?: object; key?: KeyObject | Uint8Array; alg?: string } = {}) =>
		new SignJWT({
			sub: userId,
			email: "mallory@example.com",
			name: "Mallory",
			iss: "platform",
			aud: "platform-api",
			iat: NOW(),
			exp: NOW() + 300,
			...change.claims,
		})
			.setProtectedHeader({ alg: change.alg ?? "EdDSA", kid: "platform-1", typ: "at+jwt", ...change.header })
			.sign(change.key ?? keys.privateKey);

	const refusals = async (bearer: string) => {
		const rest = await requestJson(`http://127.0.0.1:${node.apiPort}/api/v1/me`, { headers: { authorization: `Bearer ${bearer}` } });
		const rpc = await grpc.call("identity.v1.IdentityService", "Me", {}, { authorization: `Bearer ${bearer}` });
		return { rest: rest.status, grpc: rpc.code, code: rest.body.code };
	};

	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka");
		db = await createTestDatabase("tokattack");
		node = await startNode({
			env: {
				PLATFORM_POSTGRES__URL: db.url,
				PLATFORM_REDIS__KEY_PREFIX: `${db.name}.`,
				PLATFORM_AUTH__SIGNING_KEY: keys.privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
			},
		});
		grpc = grpcClient(node.grpcPort, ["identity/v1/identity.proto"]);
		const registered = await requestJson(`http://127.0.0.1:${node.apiPort}/api/v1/auth/register`, {
			body: { email: "mallory@example.com", password: "mallory's password", displayName: "Mallory" },
		});
		userId = registered.body.userId as string;
	});
	afterAll(async () => {
		grpc?.close();
		await node?.stop();
		await db?.drop();
	});

	it("accepts a token made the way the node makes them (the control)", async () => {
		expect(await refusals(await token())).toEqual({ rest: 200, grpc: status.OK, code: undefined });
	});

	it("refuses alg none", async () => {
		const genuine = (await token()).split(".");
		const unsigned = `${base64url({ alg: "none", typ: "at+jwt", kid: "platform-1" })}.${genuine[1]}.`;
		expect(await refusals(unsigned)).toEqual({ rest: 401, grpc: status.UNAUTHENTICATED, code: "TOKEN_INVALID" });
	});

	it("refuses HS256 signed with the public key as the secret", async () => {
		const publicKeyBytes = keys.publicKey.export({ format: "pem", type: "spki" });
		const confused = await token({ alg: "HS256", key: new Uint8Array(Buffer.from(publicKeyBytes)) });
		expect(await refusals(confused)).toEqual({ rest: 401, grpc: status.UNAUTHENTICATED, code: "TOKEN_INVALID" });
	});

	it("refuses expired and not-yet-valid tokens, beyond the clock skew", async () => {
		expect(await refusals(await token({ claims: { exp: NOW() - 120 } }))).toEqual({
			rest: 401,
			grpc: status.UNAUTHENTICATED,
			code: "TOKEN_EXPIRED",
		});
		expect(await refusals(await token({ claims: { nbf: NOW() + 600 } }))).toEqual({
			rest: 401,
			grpc: status.UNAUTHENTICATED,
			code: "TOKEN_INVALID",
		});
	});

	it("refuses another issuer, another audience and an unknown key id", async () => {
		for (const change of [{ claims: { iss: "someone-else" } }, { claims: { aud: "another-api" } }, { header: { kid: "platform-2" } }]) {
			expect(await refusals(await token(change))).toEqual({ rest: 401, grpc: status.UNAUTHENTICATED, code: "TOKEN_INVALID" });
		}
	});

	it("refuses a payload changed after signing, and a token signed by another key", async () => {
		const [header, , signature] = (await token()).split(".");
		const promoted = base64url({
			sub: userId,
			email: "admin@platform.test",
			name: "Mallory",
			iss: "platform",
			aud: "platform-api",
			exp: NOW() + 300,
		});
		expect(await refusals(`${header}.${promoted}.${signature}`)).toEqual({
			rest: 401,
			grpc: status.UNAUTHENTICATED,
			code: "TOKEN_INVALID",
		});
		const other = generateKeyPairSync("ed25519");
		expect(await refusals(await token({ key: other.privateKey }))).toEqual({
			rest: 401,
			grpc: status.UNAUTHENTICATED,
			code: "TOKEN_INVALID",
		});
	});
});

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../../platform/config/index.ts";
import { tempDirs } from "../../support/temp-dirs.ts";

const temp = tempDirs();
afterAll(() => temp.removeAll());

function configDir(files: Record<string, string>): string {
	const dir = temp.make("config-");
	for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
	return dir;
}

function problemsOf(fn: () => unknown): readonly string[] {
	try {
		fn();
	} catch (err) {
		if (err instanceof ConfigError) return err.problems;
		throw err;
	}
	throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
	it("fills every default from the schema when default.yaml is empty", () => {
		const config = loadConfig({ dir: configDir({ "default.yaml": "" }), env: {} });
		expect(config.env).toBe("development");
		expect(config.postgres.poolMax).toBe(10);
		expect(config.kafka.brokers).toEqual(["127.0.0.1:9092"]);
		expect(config.transporter.url).toBeNull();
		expect(config.profile).toBe("embedded");
		expect(config.embedded.dataDir).toBe(".data");
	});

	it("refuses a transporter on the embedded profile, whose node is the whole cluster", () => {
		const dir = configDir({ "default.yaml": "" });
		expect(problemsOf(() => loadConfig({ dir, env: { PLATFORM_TRANSPORTER__URL: "nats://127.0.0.1:4222" } }))).toEqual([
			"transporter.url: the embedded profile is one process; set profile: servers to run several nodes",
		]);
		const servers = loadConfig({ dir, env: { PLATFORM_PROFILE: "servers", PLATFORM_TRANSPORTER__URL: "nats://127.0.0.1:4222" } });
		expect(servers.transporter.url).toBe("nats://127.0.0.1:4222");
	});

	it("overlays the environment's file on default.yaml, and variables on both", () => {
		const dir = configDir({
			"default.yaml": "api:\n  port: 3000\n  host: 0.0.0.0\nlog:\n  level: info\n",
			"production.yaml": "api:\n  port: 8080\n",
		});
		const config = loadConfig({ dir, env: { PLATFORM_ENV: "production", PLATFORM_LOG__LEVEL: "warn", PLATFORM_AUTH__SIGNING_KEY: "pem" } });
		expect(config.env).toBe("production");
		expect(config.api).toEqual({ port: 8080, host: "0.0.0.0", trustedProxies: [], corsOrigins: [] });
		expect(config.log.level).toBe("warn");
	});

	it("maps SNAKE_CASE segments to camelCase keys and parses scalars and lists", () => {
		const dir = configDir({ "default.yaml": "" });
		const config = loadConfig({
			dir,
			env: { PLATFORM_SHUTDOWN__DEADLINE_MS: "2500", PLATFORM_BOOTSTRAP__MIGRATE: "false", PLATFORM_KAFKA__BROKERS: "[a:1, b:2]" },
		});
		expect(config.shutdown.deadlineMs).toBe(2500);
		expect(config.bootstrap.migrate).toBe(false);
		expect(config.kafka.brokers).toEqual(["a:1", "b:2"]);
	});

	it("refuses production without a signing key for access tokens", () => {
		const dir = configDir({ "default.yaml": "" });
		expect(problemsOf(() => loadConfig({ dir, env: { PLATFORM_ENV: "production" } }))).toEqual([
			"auth.signingKey: required in production (a key made at start would sign tokens no other node accepts)",
		]);
	});

	it("refuses a trusted proxy that is not an address or range", () => {
		const dir = configDir({ "default.yaml": "api:\n  trustedProxies: [10.0.0.0/8, proxy.local]\n" });
		expect(problemsOf(() => loadConfig({ dir, env: {} }))).toEqual([
			expect.stringMatching(/^api\.trustedProxies\.1: must be an IP address or CIDR range/),
		]);
	});

	it("takes a secret file's content as written, lines and all", () => {
		const dir = configDir({ "default.yaml": "", "key.pem": "-----BEGIN PRIVATE KEY-----\nMC4CAQ\n-----END PRIVATE KEY-----\n" });
		const config = loadConfig({ dir, env: { PLATFORM_AUTH__SIGNING_KEY_FILE: join(dir, "key.pem") } });
		expect(config.auth.signingKey).toBe("-----BEGIN PRIVATE KEY-----\nMC4CAQ\n-----END PRIVATE KEY-----");
	});

	it("reads a secret from the file a *_FILE variable names", () => {
		const dir = configDir({ "default.yaml": "", "pg-url": "postgres://app:s3cret@db:5432/app\n" });
		const config = loadConfig({ dir, env: { PLATFORM_POSTGRES__URL_FILE: join(dir, "pg-url") } });
		expect(config.postgres.url).toBe("postgres://app:s3cret@db:5432/app");
	});

	it("reports every invalid and unknown key at once, with its source", () => {
		const dir = configDir({ "default.yaml": "api:\n  port: 99999\n  colour: blue\nlog:\n  level: loud\n" });
		const problems = problemsOf(() => loadConfig({ dir, env: { PLATFORM_POSTGRES__POOL_MAX: "zero", PLATFORM_NOPE: "1" } }));
		expect(problems).toHaveLength(5);
		expect(problems).toEqual(
			expect.arrayContaining([
				expect.stringMatching(/^api\.port: .*65535.*default\.yaml/),
				expect.stringMatching(/^api\.colour: unknown key \(from .*default\.yaml\)/),
				expect.stringMatching(/^log\.level: /),
				expect.stringMatching(/^postgres\.poolMax: .*\(from env PLATFORM_POSTGRES__POOL_MAX\)/),
				expect.stringMatching(/^nope: unknown key \(from env PLATFORM_NOPE\)/),
			]),
		);
	});

	it("names a YAML syntax error with its file, and a missing default.yaml", () => {
		const broken = configDir({ "default.yaml": "api: [unclosed\n" });
		expect(problemsOf(() => loadConfig({ dir: broken, env: {} }))[0]).toMatch(/default\.yaml: /);
		const empty = configDir({});
		expect(problemsOf(() => loadConfig({ dir: empty, env: {} }))[0]).toMatch(/default\.yaml: file not found/);
	});

	it("reports an unreadable secret file without showing its content", () => {
		const dir = configDir({ "default.yaml": "" });
		const problems = problemsOf(() => loadConfig({ dir, env: { PLATFORM_REDIS__URL_FILE: "/nonexistent/secret" } }));
		expect(problems).toEqual(["env PLATFORM_REDIS__URL_FILE: cannot read secret file /nonexistent/secret (ENOENT)"]);
	});
});

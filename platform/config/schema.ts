import { z } from "zod";

/** The single source of truth for every setting and its default. */
const port = z.number().int().min(0).max(65535);
const durationMs = z.number().int().min(0);
/** `points` calls per window of `durationSeconds`. */
const rateLimit = z.strictObject({ points: z.number().int().min(1), durationSeconds: z.number().int().min(1) });
/** An action's own limits; a side left out is not limited apart (the defaults still count the call). */
const actionRateLimit = z.strictObject({ perUser: rateLimit.optional(), perIp: rateLimit.optional() });

export const configSchema = z.strictObject({
	env: z.enum(["development", "test", "production"]).default("development"),
	/**
	 * embedded: one process with no server to install (PGlite under `embedded.dataDir`, the
	 * event bus reading the event store, memory cache and rate limits). servers: Postgres,
	 * Redis, Kafka and a transporter, for production and for several nodes.
	 */
	profile: z.enum(["embedded", "servers"]).default("embedded"),
	embedded: z
		.strictObject({
			/** Where the embedded profile keeps its database, relative to the project root; a restart keeps the data. */
			dataDir: z.string().min(1).default(".data"),
		})
		.prefault({}),
	node: z
		.strictObject({
			/** Unique per process; generated from host and pid when absent. */
			id: z.string().min(1).optional(),
			/** Nodes only see each other inside one namespace. */
			namespace: z.string().default(""),
		})
		.prefault({}),
	transporter: z
		.strictObject({
			/** e.g. nats://127.0.0.1:4222; null keeps every service in this process. */
			url: z.string().url().nullable().default(null),
		})
		.prefault({}),
	postgres: z
		.strictObject({
			url: z.string().url().default("postgres://postgres@127.0.0.1:5432/postgres"),
			poolMax: z.number().int().min(1).default(10),
		})
		.prefault({}),
	redis: z
		.strictObject({
			url: z.string().url().default("redis://127.0.0.1:6379"),
			/** Before every key the platform writes, so environments (or test runs) sharing one Redis stay apart. */
			keyPrefix: z.string().default(""),
		})
		.prefault({}),
	cache: z
		.strictObject({
			/** Queries answer through Moleculer's Redis cacher at `redis.url`, keys under `redis.keyPrefix`; off: every query reads its tables. */
			enabled: z.boolean().default(true),
			/**
			 * Lifetime of a cached answer and of an entity's generation. Projections invalidate what
			 * they change; this bounds how long an answer outlives an invalidation that never
			 * reached Redis.
			 */
			ttlSeconds: z.number().int().min(1).default(60),
		})
		.prefault({}),
	kafka: z
		.strictObject({
			brokers: z.array(z.string().min(1)).min(1).default(["127.0.0.1:9092"]),
			clientId: z.string().min(1).default("platform"),
		})
		.prefault({}),
	events: z
		.strictObject({
			/**
			 * Put before every topic and consumer group name, so environments (or test runs)
			 * sharing one Kafka cluster never see each other's records, e.g. "staging.".
			 */
			topicPrefix: z
				.string()
				.regex(/^[A-Za-z0-9._-]*$/, "may hold letters, digits, '.', '_' and '-'")
				.default(""),
			/** Partitions of each module's topic (`<module>.events`) when the platform creates it. */
			topicPartitions: z.number().int().min(1).default(6),
			/** 1 for a single broker; 3 in a production cluster. */
			replicationFactor: z.number().int().min(1).default(1),
			relay: z
				.strictObject({
					/** Every node offers to relay; one wins the advisory lock. False keeps this node out. */
					enabled: z.boolean().default(true),
					batchSize: z.number().int().min(1).max(10_000).default(500),
					/** Fallback when a NOTIFY is missed; also how often a standby tries to take over. */
					pollIntervalMs: durationMs.default(1_000),
				})
				.prefault({}),
			aggregates: z
				.strictObject({
					/** How often a command reloads and decides again after losing a concurrent append. */
					conflictRetries: z.number().int().min(0).default(3),
					/** Aggregates kept in memory per node; a stale one costs one conflict and a reload. */
					cacheSize: z.number().int().min(0).default(10_000),
				})
				.prefault({}),
			projections: z
				.strictObject({
					/** Attempts of one event before it goes to the dead-letter topic. */
					maxAttempts: z.number().int().min(1).default(5),
					retryBaseMs: durationMs.default(100),
					/** How long a query waits for its read model to reach a position before 503. */
					readYourWritesTimeoutMs: durationMs.default(2_000),
					/**
					 * How often a consumer group commits its offsets (also when it stops or rebalances).
					 * What was applied but not committed is delivered again after a crash, and the
					 * inbox makes that harmless; committing after every batch would cost a round trip
					 * to the group coordinator per partition batch.
					 */
					commitIntervalMs: durationMs.default(1_000),
					/**
					 * Partition batches a consumer group handles at once; unset, every partition it
					 * reads (events.topicPartitions per topic). A stream's events share a partition, so
					 * its order holds. kafkajs fetches again only once every batch of a fetch is done,
					 * so batches left to a second wave wait a whole apply. A projection applies the
					 * batches in hand in one transaction; a subscriber's run side by side.
					 */
					partitionsConcurrently: z.number().int().min(1).optional(),
				})
				.prefault({}),
		})
		.prefault({}),
	jobs: z
		.strictObject({
			/** Postgres schema of the job queue's tables; pg-boss creates and migrates it at start. */
			schema: z
				.string()
				.regex(/^[a-z_][a-z0-9_]*$/, "must be a lower-case SQL identifier")
				.default("pgboss"),
			/** Connections of the queue's own pool (it also holds one more for LISTEN). */
			poolMax: z.number().int().min(1).default(4),
			/** Jobs of one kind this node runs at once, unless the job declares its own concurrency. */
			concurrency: z.number().int().min(1).default(2),
			/**
			 * How often an idle worker looks for jobs that became due (retries, delayed jobs);
			 * a new job wakes the workers at once through LISTEN/NOTIFY.
			 */
			pollIntervalSeconds: z.number().min(0.5).default(2),
			/** How often jobs past their timeout (their worker died or hung) are failed and retried. */
			monitorIntervalSeconds: z.number().int().min(1).default(10),
			/** How often due cron schedules are looked for: a scheduled job is enqueued at most this late. */
			cronCheckIntervalSeconds: z.number().int().min(1).max(45).default(5),
			/** Time zone of the cron schedules. */
			timeZone: z.string().min(1).default("UTC"),
			/** How long finished jobs, done or dead, are kept for inspection and retry. */
			retentionDays: z.number().int().min(1).default(7),
			/**
			 * Lag in seconds of the relay or a projection beyond which the minutely check
			 * (`jobs.checkLag`) logs a warning and raises `platform_lag_exceeded`.
			 */
			maxLagSeconds: z.number().min(0).default(60),
		})
		.prefault({}),
	webhooks: z
		.strictObject({
			/** Attempts of one delivery before it is dead (redeliverable by an action). */
			maxAttempts: z.number().int().min(1).default(8),
			/** First retry delay; it doubles (with jitter) on every attempt up to maxRetryDelaySeconds. */
			retryDelaySeconds: z.number().int().min(1).default(10),
			maxRetryDelaySeconds: z.number().int().min(1).default(3_600),
			/** A receiver that has not answered in this time counts as a failed attempt. */
			timeoutMs: durationMs.default(10_000),
			/** Bytes of a receiver's answer read at most; a longer answer fails the attempt. */
			maxResponseBytes: z
				.number()
				.int()
				.min(0)
				.default(64 * 1024),
			/**
			 * Whether URLs may point at loopback, private or link-local addresses. Off in
			 * production: a subscriber must not reach the platform's own network through us.
			 */
			allowPrivateTargets: z.boolean().default(false),
		})
		.prefault({}),
	auth: z
		.strictObject({
			/** `iss` of the access tokens this platform signs and the only one it accepts. */
			issuer: z.string().min(1).default("platform"),
			/** `aud` of the access tokens, likewise. */
			audience: z.string().min(1).default("platform-api"),
			accessTokenTtlSeconds: z.number().int().min(30).max(86_400).default(900),
			refreshTokenTtlDays: z.number().int().min(1).max(365).default(30),
			/** Leeway for `exp` and `nbf` between our clock and the issuer's. */
			clockSkewSeconds: z.number().int().min(0).max(300).default(30),
			/**
			 * PKCS#8 PEM of the Ed25519 key that signs access tokens; pass it as a secret file
			 * (PLATFORM_AUTH__SIGNING_KEY_FILE). Required in production; elsewhere a key is made at
			 * start, so tokens die with the node.
			 */
			signingKey: z.string().min(1).optional(),
			/** `kid` of that key in the token headers and the JWKS. */
			keyId: z.string().min(1).default("platform-1"),
			/** scrypt cost (N) for new password hashes; stored with each hash, so raising it keeps old ones valid. */
			passwordCost: z
				.number()
				.int()
				.min(1_024)
				.refine((n) => (n & (n - 1)) === 0, "must be a power of two")
				.default(32_768),
			login: z
				.strictObject({
					/** Failed logins of one account within the window before it is refused for the rest of it. */
					maxFailuresPerAccount: z.number().int().min(1).default(5),
					/** Failed logins from one IP within the window, likewise. */
					maxFailuresPerIp: z.number().int().min(1).default(50),
					windowSeconds: z.number().int().min(1).default(900),
				})
				.prefault({}),
		})
		.prefault({}),
	authz: z
		.strictObject({
			/**
			 * Roles and the permissions they grant (module:resource:verb as the modules declare
			 * them in module.yaml; `*` and `module:*` are wildcards). Roles are granted per user
			 * with authz.grantRole.
			 */
			roles: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), z.array(z.string().min(1))).default({ admin: ["*"] }),
			/** Roles every signed-in user has without a grant. */
			defaultRoles: z.array(z.string()).default([]),
			/**
			 * The first administrator, who grants the first roles. At start the authz service
			 * registers this account unless its email is registered, and grants `admin` to the
			 * account that signs in with this password: an email someone else registered first
			 * gets nothing. Pass the password as a secret file (PLATFORM_AUTHZ__ADMIN__PASSWORD_FILE).
			 */
			admin: z
				.strictObject({
					email: z
						.email()
						.max(254)
						.transform((e) => e.toLowerCase()),
					password: z.string().min(10, "must have at least 10 characters").max(200),
				})
				.optional(),
		})
		.prefault({}),
	api: z
		.strictObject({
			host: z.string().default("127.0.0.1"),
			port: port.default(3000),
			/**
			 * Addresses or CIDR ranges of the proxies in front of the gateways (load balancers):
			 * only from these is X-Forwarded-For believed when taking a request's client IP.
			 */
			trustedProxies: z
				.array(z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()], { error: "must be an IP address or CIDR range" }))
				.default([]),
			/**
			 * Browser origins allowed to call the API (`https://app.example.com`); empty: no CORS
			 * headers, so browsers only call it from its own origin.
			 */
			corsOrigins: z.array(z.url({ protocol: /^https?$/ }).or(z.literal("*"))).default([]),
			/** Strict-Transport-Security max-age for responses; set it when clients reach the API over TLS only. */
			hstsMaxAgeSeconds: z.number().int().min(0).optional(),
		})
		.prefault({}),
	grpc: z
		.strictObject({
			host: z.string().default("127.0.0.1"),
			port: port.default(50051),
			/** Folder of the .proto files served, relative to the project root. */
			protoDir: z.string().default("proto"),
			/** Largest request message taken, like the REST body limit; larger is RESOURCE_EXHAUSTED. */
			maxMessageBytes: z.number().int().min(1_024).default(1_048_576),
		})
		.prefault({}),
	rateLimits: z
		.strictObject({
			/** Off only where nothing is exposed; every call through a gateway is counted otherwise. */
			enabled: z.boolean().default(true),
			/** Calls of one signed-in user through the gateways, all actions together. */
			perUser: rateLimit.default({ points: 600, durationSeconds: 60 }),
			/** Calls from one client IP (behind `api.trustedProxies`, the forwarded one), signed in or not. */
			perIp: rateLimit.default({ points: 1_200, durationSeconds: 60 }),
			/**
			 * Limits of their own for some actions (`identity.register`), counted apart from the
			 * defaults; they replace what the action declares in code.
			 */
			actions: z.record(z.string().regex(/^[\w.-]+$/), actionRateLimit).default({}),
		})
		.prefault({}),
	ops: z
		.strictObject({
			host: z.string().default("127.0.0.1"),
			/** 0 picks any free port; the chosen one is logged. */
			port: port.default(9464),
		})
		.prefault({}),
	modules: z
		.strictObject({
			/** Folder holding services/<module>/module.yaml, relative to the project root. */
			dir: z.string().default("services"),
			migrationsDir: z.string().default("migrations"),
		})
		.prefault({}),
	bootstrap: z
		.strictObject({
			/** Apply pending migrations at start-up; turn off when a release job runs them. */
			migrate: z.boolean().default(true),
			/** How long to keep retrying an unreachable server before giving up. */
			connectTimeoutMs: durationMs.default(30_000),
		})
		.prefault({}),
	shutdown: z
		.strictObject({
			/** Time between readiness turning 503 and the listeners closing, for load balancers. */
			drainDelayMs: durationMs.default(0),
			/** After this the process exits non-zero whatever is still running. */
			deadlineMs: durationMs.default(15_000),
		})
		.prefault({}),
	log: z
		.strictObject({
			level: z.enum(["fatal", "error", "warn", "info", "debug", "trace"]).default("info"),
			/** Human-readable lines instead of JSON; for a terminal, not for production. */
			pretty: z.boolean().default(false),
			/**
			 * One line at info per answered REST request and gRPC call (route or method, status,
			 * duration, request and trace ids); off where a proxy in front logs them already.
			 */
			accessLog: z.boolean().default(true),
		})
		.prefault({}),
	tracing: z
		.strictObject({
			/**
			 * OTLP/HTTP traces endpoint (`http://collector:4318/v1/traces`); unset: spans are not
			 * recorded or sent, but every request still gets a W3C trace id for its logs and errors.
			 */
			endpoint: z.url({ protocol: /^https?$/ }).optional(),
			/** Share of new traces recorded; a trace begun upstream keeps its caller's decision. */
			sampleRatio: z.number().min(0).max(1).default(1),
			/** `service.name` of the spans. */
			serviceName: z.string().min(1).default("platform"),
		})
		.prefault({}),
	sentry: z
		.strictObject({
			/** Where system errors (5xx) are reported; unset: nowhere but the logs and metrics. Pass it as a secret file. */
			dsn: z.url().optional(),
			/** `environment` of the reports; the config's env when unset. */
			environment: z.string().min(1).optional(),
		})
		.prefault({}),
});

export type Config = z.infer<typeof configSchema>;

/** Settings that are fine one by one but not together. */
export function crossFieldProblems(config: Config): string[] {
	const problems: string[] = [];
	for (const role of config.authz.defaultRoles) {
		if (!config.authz.roles[role]) problems.push(`authz.defaultRoles: role "${role}" is not defined in authz.roles`);
	}
	if (config.authz.admin && !config.authz.roles.admin) problems.push("authz.admin: needs a role `admin` in authz.roles");
	if (config.profile === "embedded" && config.transporter.url) {
		problems.push("transporter.url: the embedded profile is one process; set profile: servers to run several nodes");
	}
	if (config.env === "production" && !config.auth.signingKey) {
		problems.push("auth.signingKey: required in production (a key made at start would sign tokens no other node accepts)");
	}
	return problems;
}

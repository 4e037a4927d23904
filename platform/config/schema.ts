import { z } from "zod";

/** The single source of truth for every setting and its default. */
const port = z.number().int().min(0).max(65535);
const durationMs = z.number().int().min(0);

export const configSchema = z.strictObject({
	env: z.enum(["development", "test", "production"]).default("development"),
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
		})
		.prefault({}),
	kafka: z
		.strictObject({
			brokers: z.array(z.string().min(1)).min(1).default(["127.0.0.1:9092"]),
			clientId: z.string().min(1).default("platform"),
		})
		.prefault({}),
	api: z
		.strictObject({
			host: z.string().default("127.0.0.1"),
			port: port.default(3000),
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
		})
		.prefault({}),
});

export type Config = z.infer<typeof configSchema>;

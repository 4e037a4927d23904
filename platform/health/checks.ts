import type { PlatformContainer } from "../container/index.ts";

/** One dependency the node needs in order to serve. */
export type Check = { name: string; target: string; probe: () => Promise<void> };

/** The address of a server with any password removed, fit for logs and ops answers. */
export function redactUrl(url: string): string {
	try {
		const parsed = new URL(url);
		if (parsed.password) parsed.password = "***";
		return parsed.toString();
	} catch {
		return url;
	}
}

/** The servers a node needs: Postgres, Redis and Kafka; in the embedded profile only its own database. */
export function serverChecks(container: PlatformContainer): Check[] {
	if (container.resolve("config").profile === "embedded") return [postgresCheck(container)];
	return [postgresCheck(container), redisCheck(container), kafkaCheck(container)];
}

export function postgresCheck(container: PlatformContainer): Check {
	const config = container.resolve("config");
	return {
		name: "postgres",
		target: config.profile === "embedded" ? `embedded (${config.embedded.dataDir})` : redactUrl(config.postgres.url),
		probe: async () => {
			await container.resolve("pg").query("SELECT 1");
		},
	};
}

export function redisCheck(container: PlatformContainer): Check {
	return {
		name: "redis",
		target: redactUrl(container.resolve("config").redis.url),
		probe: async () => {
			const redis = container.resolve("redis");
			if (redis.status === "wait") await redis.connect();
			await redis.ping();
		},
	};
}

export function kafkaCheck(container: PlatformContainer): Check {
	return {
		name: "kafka",
		target: container.resolve("config").kafka.brokers.join(","),
		// A connection per probe, so an idle node keeps none open just for health checks (an open
		// kafkajs 2.2.4 connection cost a 1 ms timer until patches/kafkajs+2.2.4.patch, issue #1704).
		probe: async () => {
			const admin = container.resolve("kafka").admin();
			await admin.connect();
			try {
				await admin.describeCluster();
			} finally {
				await admin.disconnect();
			}
		},
	};
}

export function transporterCheck(transit: { connected: boolean } | undefined, url: string | null): Check {
	return {
		name: "transporter",
		target: url ? redactUrl(url) : "local",
		probe: async () => {
			if (transit && !transit.connected) throw new Error("transporter disconnected");
		},
	};
}

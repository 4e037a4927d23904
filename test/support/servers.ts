import { connect } from "node:net";

/** Where the integration suites find the real servers (the infra/ defaults). */
export const SERVERS = {
	postgres: process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
	redis: process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379",
	kafka: process.env.TEST_KAFKA_BROKERS ?? "127.0.0.1:9092",
	nats: process.env.TEST_NATS_URL ?? "nats://127.0.0.1:4222",
};

/**
 * Fails the suite (never skips it) when a server it needs does not answer, with the
 * command that brings the servers up.
 */
export async function requireServers(...names: (keyof typeof SERVERS)[]): Promise<void> {
	const missing: string[] = [];
	for (const name of names) {
		const { host, port } = hostPort(SERVERS[name]);
		if (!(await answers(host, port))) missing.push(`${name} at ${host}:${port}`);
	}
	if (missing.length > 0) throw new Error(`Required server(s) not reachable: ${missing.join(", ")}. Run \`npm run infra:up\` first.`);
}

function hostPort(address: string): { host: string; port: number } {
	const url = new URL(address.includes("://") ? address : `tcp://${address}`);
	return { host: url.hostname, port: Number(url.port) };
}

function answers(host: string, port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = connect({ host, port, timeout: 1_000 });
		socket.once("connect", () => {
			socket.destroy();
			resolve(true);
		});
		socket.once("error", () => resolve(false));
		socket.once("timeout", () => {
			socket.destroy();
			resolve(false);
		});
	});
}

import type { BlockList } from "node:net";
import { Server, ServerCredentials } from "@grpc/grpc-js";
import { ReflectionService } from "@grpc/reflection";
import { HealthImplementation } from "grpc-health-check";
import type { ServiceBroker } from "moleculer";
import type { Logger } from "pino";
import type { ErrorBus } from "../errors/index.ts";
import type { Readiness } from "../health/index.ts";
import type { PlatformMetrics } from "../metrics/index.ts";
import { sleep } from "../retry/index.ts";
import { CallsInFlight } from "./calls-in-flight.ts";
import { loadRpcCatalog } from "./rpc-catalog.ts";
import { unaryHandler } from "./unary-call.ts";

export type GrpcServerOptions = {
	protoDir: string;
	host: string;
	port: number;
	maxMessageBytes: number;
	broker: ServiceBroker;
	/** The node's readiness (a getter: bootstrap replaces it once the checks are known). */
	readiness: () => Readiness;
	trustedProxies: BlockList;
	metrics: PlatformMetrics;
	errors: ErrorBus;
	logger: Logger;
	/** A line for each answered call (log.accessLog). */
	accessLog: boolean;
};

/** How often grpc.health.v1 asks the node's readiness (the same answer /readyz gives). */
const HEALTH_REFRESH_MS = 2_000;
/**
 * After the last unary call is answered, how long a drain waits for one more that had already
 * arrived, and for the answers to leave, before it ends the streams still open.
 */
const LAST_CALLS_MS = 100;

/**
 * The node's gRPC server: every rpc of the proto files mapped to its action, grpc.health.v1
 * following the node's readiness (NOT_SERVING while starting, when a server it needs is gone,
 * and from the moment it starts draining), and server reflection so grpcurl and friends need
 * no proto files.
 */
export class GrpcServer {
	readonly #options: GrpcServerOptions;
	readonly #server: Server;
	readonly #health = new HealthImplementation({ "": "NOT_SERVING" });
	readonly #calls = new CallsInFlight();
	#healthTimer: NodeJS.Timeout | undefined;
	/** The proto services served, by full name. */
	readonly services: string[];
	/** The port bound; known once started (config may say 0: any free port). */
	port = 0;

	constructor(options: GrpcServerOptions) {
		this.#options = options;
		this.#server = new Server({ "grpc.max_receive_message_length": options.maxMessageBytes });
		const { packageDefinition, services } = loadRpcCatalog(options.protoDir);
		for (const service of services) {
			const handlers = Object.fromEntries(
				[...service.rpcs].map(([method, rpc]) => {
					const handle = unaryHandler(rpc, { ...options, accessLog: options.accessLog ? options.logger : undefined });
					return [method, (...args: Parameters<typeof handle>) => this.#calls.track(handle(...args))];
				}),
			);
			this.#server.addService(service.definition, handlers);
			this.#health.setStatus(service.name, "NOT_SERVING");
		}
		this.#health.addToServer(this.#server);
		new ReflectionService(packageDefinition).addToServer(this.#server);
		this.services = services.map((s) => s.name);
	}

	async start(): Promise<void> {
		const { host, port } = this.#options;
		this.port = await new Promise<number>((resolve, reject) =>
			this.#server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
		);
		await this.#refreshHealth();
		this.#healthTimer = setInterval(() => void this.#refreshHealth(), HEALTH_REFRESH_MS);
		this.#healthTimer.unref();
		this.#options.readiness().onChange(() => void this.#refreshHealth());
	}

	/**
	 * Stops taking calls, reports NOT_SERVING, and resolves once the calls in flight are answered.
	 * Streams that never end on their own (health watches, reflection sessions) would hold the
	 * graceful shutdown until the node's deadline, and the node would then exit without stopping
	 * its broker: once the unary calls are answered, they are ended.
	 */
	async drain(): Promise<void> {
		clearInterval(this.#healthTimer);
		this.#setHealth("NOT_SERVING");
		const closed = new Promise<void>((resolve) => this.#server.tryShutdown(() => resolve()));
		await Promise.race([closed, this.#lastCallsAnswered()]);
		this.#server.forceShutdown();
	}

	async #lastCallsAnswered(): Promise<void> {
		do {
			await this.#calls.idle();
			await sleep(LAST_CALLS_MS);
		} while (this.#calls.size > 0);
	}

	/** Ends every call at once; for a stop that did not drain first (tests, a failed start). */
	forceStop(): void {
		clearInterval(this.#healthTimer);
		this.#server.forceShutdown();
	}

	/** Reports the node's readiness: at start, at every change of its state, and every few seconds (the servers it needs). */
	async #refreshHealth(): Promise<void> {
		const { readiness, logger } = this.#options;
		try {
			const report = await readiness().report();
			this.#setHealth(report.status === "ok" ? "SERVING" : "NOT_SERVING");
		} catch (err) {
			logger.warn({ err }, "grpc health refresh failed");
			this.#setHealth("NOT_SERVING");
		}
	}

	#setHealth(status: "SERVING" | "NOT_SERVING"): void {
		this.#health.setStatus("", status);
		for (const name of this.services) this.#health.setStatus(name, status);
	}
}

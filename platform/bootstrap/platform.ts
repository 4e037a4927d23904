import { hostname } from "node:os";
import { resolve } from "node:path";
import type { ServiceBroker } from "moleculer";
import type { Logger } from "pino";
import type { Config } from "../config/index.ts";
import { PlatformContainer } from "../container/index.ts";
import type { EventContract } from "../contracts/index.ts";
import { ErrorBus, type Sentry } from "../errors/index.ts";
import { type OpsServer, Readiness } from "../health/index.ts";
import { createRootLogger } from "../logger/index.ts";
import { createMetrics, type PlatformMetrics } from "../metrics/index.ts";
import type { ModuleDescriptor } from "../modules/index.ts";
import type { Relay } from "../relay/index.ts";
import type { Tracing } from "../tracing/index.ts";

/** Everything the kernel holds for one node: config, logger, container, metrics, health. */
export class Platform {
	readonly config: Config;
	readonly root: string;
	readonly nodeID: string;
	readonly logger: Logger;
	readonly container: PlatformContainer;
	readonly metrics: PlatformMetrics;
	/** Where every error of the node is reported, once. */
	readonly errors: ErrorBus;
	/** Set once the checks are known (they need the broker's transit). */
	readiness = new Readiness([]);
	ops: OpsServer | undefined;
	/** This node's outbox relay, once the node is ready (absent when `events.relay.enabled` is false). */
	relay: Relay | undefined;
	/** All modules found on disk, in dependency order. */
	modules: ModuleDescriptor[] = [];
	/** The modules with at least one service on this node. */
	localModules: ModuleDescriptor[] = [];
	/** The process's tracing (started by the first node of the process) and this node's Sentry, once started. */
	tracing: Tracing | undefined;
	sentry: Sentry | undefined;
	/** Where this node serves, by name (rest, grpc, ops), as its listeners bound them; printed once ready. */
	readonly endpoints: Partial<Record<"rest" | "grpc" | "ops", string>> = {};
	/** Listeners to close, in order, when the node stops taking traffic (HTTP, then gRPC). */
	readonly drainers: { name: string; drain: () => Promise<void> }[] = [];

	constructor(config: Config, root: string, contracts: readonly EventContract[] = []) {
		this.config = config;
		this.root = root;
		this.nodeID = config.node.id ?? `${hostname()}-${process.pid}`;
		this.logger = createRootLogger(config, this.nodeID);
		this.metrics = createMetrics(this.nodeID);
		this.container = new PlatformContainer(config, this.logger, this.metrics, contracts, root);
		this.errors = new ErrorBus(this.logger.child({ mod: "errors" }), this.metrics.errors);
	}

	/** Registers a listener that shutdown drains before the broker stops. */
	onDrain(name: string, drain: () => Promise<void>): void {
		this.drainers.push({ name, drain });
	}

	/** Resolves a folder named in config against the project root. */
	path(relative: string): string {
		return resolve(this.root, relative);
	}
}

const platforms = new WeakMap<ServiceBroker, Platform>();

export function attachPlatform(broker: ServiceBroker, platform: Platform): void {
	platforms.set(broker, platform);
}

/** The platform of the node a service runs on. */
export function platformOf(broker: ServiceBroker): Platform {
	const platform = platforms.get(broker);
	if (!platform) throw new Error("This broker was not built with the platform's broker options (moleculer.config.ts)");
	return platform;
}

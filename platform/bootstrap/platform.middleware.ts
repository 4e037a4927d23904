import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Middleware, Service, ServiceBroker } from "moleculer";
import { startSentry } from "../errors/index.ts";
import { OpsServer, Readiness, serverChecks, transporterCheck } from "../health/index.ts";
import { urlOf } from "../http/index.ts";
import { migrate } from "../migrate/index.ts";
import { discoverModules, orderModules, withDependencies } from "../modules/index.ts";
import { retryUntil, settledWithin } from "../retry/index.ts";
import { startTracing } from "../tracing/index.ts";
import { localServiceNames, moduleOfService } from "./module-services.ts";
import { runPhase } from "./phase.ts";
import { attachPlatform, type Platform } from "./platform.ts";
import { startRelay } from "./relay.ts";
import { welcome } from "./welcome.ts";

const PROVIDERS_FILE = "providers.ts";

/** How long shutdown waits for the relay to flush before going on without it. */
const KAFKA_STOP_TIMEOUT_MS = 3_000;

/**
 * The bootstrap of DESIGN.md as Moleculer lifecycle hooks: before services start it serves
 * liveness, reads the modules, waits for the servers, migrates and registers providers;
 * once every service has started the node turns ready.
 */
export function PlatformMiddleware(platform: Platform): Middleware {
	const log = platform.logger.child({ mod: "bootstrap" });

	return {
		name: "Platform",

		created(broker: ServiceBroker) {
			attachPlatform(broker, platform);
			const { container, config } = platform;
			platform.readiness = new Readiness([
				...serverChecks(container),
				transporterCheck(broker.transit as { connected: boolean } | undefined, config.transporter.url),
			]);
		},

		async starting(broker: ServiceBroker) {
			await runPhase(log, "telemetry", async () => {
				platform.tracing = await startTracing(platform.config.tracing, platform.nodeID, log);
				platform.sentry = await startSentry(platform.config, log);
				if (platform.sentry) platform.errors.attach(platform.sentry.reporter);
			});
			await runPhase(log, "ops", async () => {
				platform.ops = new OpsServer(platform.readiness, platform.metrics.registry);
				const address = await platform.ops.listen(platform.config.ops.host, platform.config.ops.port);
				platform.endpoints.ops = urlOf("http", address);
				log.info({ opsPort: address.port }, `ops endpoints on ${platform.endpoints.ops} (/healthz /readyz /metrics)`);
			});
			await runPhase(log, "modules", () => loadModules(platform, broker.services));
			await runPhase(log, "connect", () => connectServers(platform));
			if (platform.config.bootstrap.migrate) {
				await runPhase(log, "migrations", async () => {
					const names = withDependencies(
						platform.modules,
						platform.localModules.map((m) => m.name),
					).map((m) => m.name);
					const { pg } = platform.container.awilix.cradle;
					const report = await migrate(pg, platform.path(platform.config.modules.migrationsDir), names, log);
					log.info({ applied: report.applied.length, alreadyApplied: report.alreadyApplied }, "migrations up to date");
				});
			}
			await runPhase(log, "providers", () => registerProviders(platform));
		},

		async serviceStarting(service: Service) {
			const mod = moduleOfService(service.name, platform.modules);
			if (!mod || mod.dependsOn.length === 0) return;
			// Moleculer waits for these services, local or on another node, before `started`.
			const own = service.schema.dependencies ?? [];
			service.schema.dependencies = [...new Set([...(Array.isArray(own) ? own : [own]), ...mod.dependsOn])];
		},

		async started() {
			platform.readiness.state = "ready";
			const ms = Math.round(performance.now());
			log.info({ modules: platform.localModules.map((m) => m.name), msSinceProcessStart: ms, ...platform.endpoints }, "node ready");
			if (platform.config.env === "development") log.info(welcome(platform));
			// In the background: the relay never delays readiness; a standby node is as ready as the active one.
			// The embedded profile has no Kafka to relay to: its consumers read the store itself.
			if (platform.config.profile === "servers" && platform.config.events.relay.enabled) platform.relay = startRelay(platform);
		},

		async stopping() {
			platform.readiness.state = "draining";
		},

		async stopped() {
			// Services have stopped (their consumers committed); the relay flushes before the pools close.
			if (platform.relay && !(await settledWithin(platform.relay.stop(), KAFKA_STOP_TIMEOUT_MS))) {
				log.warn({ timeoutMs: KAFKA_STOP_TIMEOUT_MS }, "relay did not stop in time; its batch in hand will be sent again");
			}
			await platform.ops?.close();
			await platform.container.dispose(log);
			// Last: what the stop itself did is traced and reported too.
			await Promise.all([platform.tracing?.flush(), platform.sentry?.flush()]).catch((err: unknown) =>
				log.warn({ err }, "telemetry did not flush"),
			);
		},
	} as Middleware;
}

function loadModules(platform: Platform, services: readonly Service[]): void {
	platform.modules = orderModules(discoverModules(platform.path(platform.config.modules.dir)));
	const local = new Set<string>();
	for (const name of localServiceNames(services)) {
		const mod = moduleOfService(name, platform.modules);
		if (mod) local.add(mod.name);
		else platform.logger.warn({ service: name }, `service "${name}" belongs to no module; it gets no migrations or dependencies`);
	}
	platform.localModules = platform.modules.filter((m) => local.has(m.name));
}

async function connectServers(platform: Platform): Promise<void> {
	const { connectTimeoutMs } = platform.config.bootstrap;
	const servers = serverChecks(platform.container);
	await Promise.all(servers.map((s) => retryUntil(`${s.name} at ${s.target}`, connectTimeoutMs, s.probe)));
}

async function registerProviders(platform: Platform): Promise<void> {
	for (const mod of platform.localModules) {
		const file = join(mod.dir, PROVIDERS_FILE);
		if (!existsSync(file)) continue;
		const { default: providers } = await import(pathToFileURL(file).href);
		platform.container.registerProviders(providers);
	}
}

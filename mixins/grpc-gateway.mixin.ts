import type { ServiceSchema } from "moleculer";
import { platformOf } from "../platform/bootstrap/index.ts";
import { GrpcServer } from "../platform/grpc/index.ts";
import { trustedProxyList } from "../platform/http/index.ts";

type Gateway = { grpcServer?: GrpcServer; broker: Parameters<typeof platformOf>[0] };

/**
 * Serves the rpcs of the proto files in `grpc.protoDir` on `grpc.host:grpc.port`, each
 * calling its action through the same broker middlewares as REST (authentication,
 * authorization, rate limits); drains with the node (after HTTP) and answers
 * grpc.health.v1 from the node's readiness.
 */
export const GrpcGatewayMixin: Partial<ServiceSchema> = {
	created(this: Gateway) {
		const platform = platformOf(this.broker);
		const { config, metrics, errors, logger } = platform;
		this.grpcServer = new GrpcServer({
			...config.grpc,
			protoDir: platform.path(config.grpc.protoDir),
			broker: this.broker,
			readiness: () => platform.readiness,
			trustedProxies: trustedProxyList(config.api.trustedProxies),
			metrics,
			errors,
			logger: logger.child({ mod: "grpc" }),
			accessLog: config.log.accessLog,
		});
		platform.onDrain("grpc", () => this.grpcServer?.drain() ?? Promise.resolve());
	},
	async started(this: Gateway) {
		const server = this.grpcServer as GrpcServer;
		await server.start();
		const platform = platformOf(this.broker);
		platform.endpoints.grpc = `${platform.config.grpc.host}:${server.port}`;
		platform.logger.info({ port: server.port, services: server.services }, "grpc gateway listening");
	},
	stopped(this: Gateway) {
		this.grpcServer?.forceStop();
	},
};

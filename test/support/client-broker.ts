import { ServiceBroker } from "moleculer";
import { SERVERS } from "./servers.ts";

/** A bare broker on the real NATS in `namespace`: it calls the platform nodes' actions as a client would. */
export async function startClientBroker(namespace: string, services: string[]): Promise<ServiceBroker> {
	const client = new ServiceBroker({
		namespace,
		nodeID: `client-${namespace}`,
		transporter: { type: "NATS", options: { url: SERVERS.nats } },
		logger: false,
	});
	await client.start();
	await client.waitForServices(services, 10_000);
	return client;
}

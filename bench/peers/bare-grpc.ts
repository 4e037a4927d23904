import { join } from "node:path";
import { Server, ServerCredentials, type ServiceDefinition, type UntypedServiceImplementation } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";

/**
 * A bare grpc-js server answering ledger.v1.LedgerService/GetAccount with a fixed account, from
 * the same proto file and loader options as the platform's gateway: what it is compared with.
 */
const definition = loadSync("ledger/v1/ledger.proto", {
	includeDirs: [join(import.meta.dirname, "..", "..", "proto")],
	keepCase: false,
	longs: Number,
	enums: String,
	defaults: false,
	oneofs: false,
});
const account = {
	accountId: "acc-0",
	owner: "Ada",
	currency: "EUR",
	balance: 1_000,
	status: "open",
	version: 2,
	updatedAt: new Date().toISOString(),
};
const server = new Server();
const handlers: UntypedServiceImplementation = {
	GetAccount: (_call: unknown, callback: (err: null, value: object) => void) => callback(null, account),
};
server.addService(definition["ledger.v1.LedgerService"] as ServiceDefinition, handlers);
server.bindAsync(`127.0.0.1:${process.env.BARE_PORT}`, ServerCredentials.createInsecure(), (err) => {
	if (err) throw err;
});
process.on("SIGTERM", () => server.tryShutdown(() => process.exit(0)));

import { join } from "node:path";
import {
	credentials,
	type GrpcObject,
	loadPackageDefinition,
	Metadata,
	type ServiceClientConstructor,
	type ServiceError,
} from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { protoPath as healthProtoPath } from "grpc-health-check";
import { PROJECT_ROOT } from "./node-process.ts";

// biome-ignore lint/suspicious/noExplicitAny: the methods come from the proto files at run time.
type DynamicClient = Record<string, (...args: any[]) => any> & { close(): void };

/** What a unary call came back with: the reply or the status, and the trailers either way. */
export type GrpcAnswer = { code: number; details: string; value?: Record<string, unknown>; trailers: Record<string, string> };

const REFLECTION_PROTO = join(PROJECT_ROOT, "node_modules/@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto");

/**
 * A client for a node's gRPC gateway, from the proto files a client team would be given:
 * `call("ledger.v1.LedgerService", "OpenAccount", {...}, { authorization })`.
 */
export function grpcClient(port: number, files: string[], includeDir = join(PROJECT_ROOT, "proto")) {
	const definition = loadSync([...files, healthProtoPath, REFLECTION_PROTO], {
		includeDirs: [includeDir],
		keepCase: false,
		longs: Number,
		enums: String,
		defaults: false,
	});
	const root = loadPackageDefinition(definition);
	const clients = new Map<string, DynamicClient>();
	const clientOf = (service: string): DynamicClient => {
		let client = clients.get(service);
		if (!client) {
			const ctor = service.split(".").reduce<unknown>((at, part) => (at as GrpcObject)[part], root) as ServiceClientConstructor;
			client = new ctor(`127.0.0.1:${port}`, credentials.createInsecure()) as unknown as DynamicClient;
			clients.set(service, client);
		}
		return client;
	};
	return {
		call(service: string, method: string, request: object, headers: Record<string, string> = {}, deadlineMs = 10_000): Promise<GrpcAnswer> {
			const metadata = new Metadata();
			for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
			return new Promise((resolve) => {
				let reply: { err: ServiceError | null; value?: Record<string, unknown> } | undefined;
				const call = invoke(clientOf(service), method)(
					request,
					metadata,
					{ deadline: Date.now() + deadlineMs },
					(err: ServiceError | null, value?: Record<string, unknown>) => {
						reply = { err, value };
					},
				);
				// The trailers come with the status, which is emitted after the callback ran.
				call.on("status", (end: { code: number; details: string; metadata: Metadata }) => {
					const trailers = flatten(end.metadata);
					resolve(
						reply?.err || end.code !== 0
							? { code: end.code, details: end.details, trailers }
							: { code: 0, details: "", value: reply?.value, trailers },
					);
				});
			});
		},
		/** A grpc.health.v1 Watch of the whole server, left open: the statuses it streams, as they come. */
		watchHealth(): { statuses: string[]; ended: Promise<void> } {
			const statuses: string[] = [];
			const stream = invoke(clientOf("grpc.health.v1.Health"), "Watch")({ service: "" });
			stream.on("data", (reply: { status: string }) => statuses.push(reply.status));
			const ended = new Promise<void>((resolve) => {
				stream.on("error", () => resolve());
				stream.on("end", () => resolve());
			});
			return { statuses, ended };
		},
		/** Server reflection's list of services, as grpcurl would ask for it. */
		listServices(): Promise<string[]> {
			return new Promise((resolve, reject) => {
				const stream = invoke(clientOf("grpc.reflection.v1.ServerReflection"), "ServerReflectionInfo")();
				stream.on("data", (reply: { listServicesResponse?: { service: { name: string }[] } }) => {
					resolve((reply.listServicesResponse?.service ?? []).map((s) => s.name));
					stream.end();
				});
				stream.on("error", reject);
				stream.write({ listServices: "" });
			});
		},
		close(): void {
			for (const client of clients.values()) client.close();
		},
	};
}

// biome-ignore lint/suspicious/noExplicitAny: see DynamicClient.
function invoke(client: DynamicClient, method: string): (...args: any[]) => any {
	const fn = client[method];
	if (!fn) throw new Error(`The proto files have no method ${method}`);
	return fn.bind(client);
}

function flatten(metadata: Metadata | undefined): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [key, value] of Object.entries(metadata?.getMap() ?? {})) out[key] = String(value);
	return out;
}

export { GrpcServer, type GrpcServerOptions } from "./grpc-server.ts";
export { loadRpcCatalog, type Rpc, type RpcService } from "./rpc-catalog.ts";
export { type GrpcFailure, grpcFailureOf } from "./status.ts";

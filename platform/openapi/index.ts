export { type DocumentInfo, type GatewayRoute, type OpenApiDocument, openApiDocument } from "./document.ts";
export type { ExposedAction, Operation } from "./operation.ts";

export { type PortableSchemas, portableSchema } from "./declared-schemas.ts";
export { InputMiddleware } from "./input.middleware.ts";
export { type ActionJsonSchemas, type JsonSchema, jsonSchemaOf } from "./json-schema.ts";

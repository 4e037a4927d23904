import { ValidationError } from "../errors/index.ts";

/** An event whose type/version is not in the catalog, or whose payload breaks its schema. */
export class EventContractError extends ValidationError {}

export { EventContractError } from "./errors.ts";
export { type DecodedEvent, EventCatalog } from "./event-catalog.ts";
export { defineEvent, type EventContract, moduleOfType, topicOfModule } from "./event-contract.ts";

export { AppendListeners } from "./append-listeners.ts";
export { AppendNotifier, EVENTS_CHANNEL } from "./append-notifier.ts";
export { DuplicateEventError, WrongExpectedVersionError } from "./errors.ts";
export { type AppendValidator, EventStore, type StoreTransaction, type StreamEntry } from "./event-store.ts";
export { checkpointOf } from "./rows.ts";
export {
	type AppendResult,
	type Checkpoint,
	type EventMetadata,
	type ExpectedVersion,
	type NewEvent,
	type RecordedEvent,
	START,
} from "./types.ts";

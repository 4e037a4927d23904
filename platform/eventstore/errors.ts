import { ConflictError } from "../errors/index.ts";
import type { ExpectedVersion } from "./types.ts";

/** The stream moved since the command read it (or exists when it should not). */
export class WrongExpectedVersionError extends ConflictError {
	readonly streamId: string;
	readonly expected: ExpectedVersion;
	readonly actual: number;

	constructor(streamId: string, expected: ExpectedVersion, actual: number) {
		super(`Stream ${streamId} is at version ${actual}, expected ${expected}`, "WRONG_EXPECTED_VERSION", { streamId, expected, actual });
		this.streamId = streamId;
		this.expected = expected;
		this.actual = actual;
	}
}

/** An event id was appended before; appending it again would record it twice. */
export class DuplicateEventError extends ConflictError {
	constructor(eventId: string) {
		super(`Event ${eventId} is already in the store`, "DUPLICATE_EVENT", { eventId });
	}
}

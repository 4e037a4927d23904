import { randomBytes } from "node:crypto";

/**
 * An entity's generation names the state of its rows that cached answers were read from: an
 * answer is served only while the generation it was stored under is still the entity's. So a
 * generation must never come back once replaced, and each carries random bytes: a global
 * position alone repeats when a database is recreated beside the same Redis (tests, a
 * development reset), which would bring the other database's answers back to life.
 */
export type Generation = string;

/**
 * What a projection sets before its transaction commits: the rows are changing, so an answer
 * read now may be from either side of the commit and is not stored. Without it, a reader
 * between the commit and the new generation would still be served the old answer, although
 * the projection has caught up (a read-your-writes query has already returned).
 */
export const CHANGING = "changing";

const nonce = () => randomBytes(6).toString("base64url");

/** The generation a projection gives an entity once the event at `position` has committed. */
export function committedGeneration(position: number): Generation {
	return `${position}.${nonce()}`;
}

/** The generation a reader claims for an entity that has none (never changed, or expired). */
export function claimedGeneration(): Generation {
	return `r.${nonce()}`;
}

/** Whether answers may be stored under `gen`: a generation is set and no change is being committed. */
export function isSettled(gen: unknown): gen is Generation {
	return typeof gen === "string" && gen !== CHANGING;
}

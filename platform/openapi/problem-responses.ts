/** The problem answers the platform's pipeline gives, by status, as components of the document. */
const PROBLEMS = {
	401: { name: "Unauthorized", description: "No valid access token: missing, expired or revoked (`code` says which)." },
	403: { name: "Forbidden", description: "The caller lacks a permission the route needs." },
	404: { name: "NotFound", description: "What the path names does not exist." },
	409: { name: "Conflict", description: "The state changed meanwhile, or the thing exists already." },
	422: { name: "UnprocessableContent", description: "Invalid parameters (`errors` names each field and why) or a broken business rule." },
	429: { name: "TooManyRequests", description: "Over a rate limit; come back after `Retry-After` seconds." },
	500: { name: "InternalError", description: "Failed on our side; quote the trace id when reporting it." },
	503: {
		name: "Unavailable",
		description: "Not available yet (a read model behind, a dependency down, the node draining); retry shortly.",
	},
} as const;

export type ProblemStatus = keyof typeof PROBLEMS;

/** What any other refusal or failure answers: the operations' `default` response. */
const ANY_PROBLEM = { name: "Problem", description: "Any other refusal or failure." };

const problemContent = { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } };

/** A reference to the component response of a status, or of any other problem. */
export function problemResponseRef(status: ProblemStatus | "default"): { $ref: string } {
	const { name } = status === "default" ? ANY_PROBLEM : PROBLEMS[status];
	return { $ref: `#/components/responses/${name}` };
}

/** Every problem response as `components.responses`, each a problem+json document. */
export function problemResponses(): Record<string, object> {
	const responses: Record<string, object> = {};
	for (const [status, { name, description }] of Object.entries(PROBLEMS)) {
		const headers = status === "429" ? { "Retry-After": { description: "Seconds to wait.", schema: { type: "integer" } } } : undefined;
		responses[name] = { description, content: problemContent, ...(headers ? { headers } : {}) };
	}
	responses[ANY_PROBLEM.name] = { description: ANY_PROBLEM.description, content: problemContent };
	return responses;
}

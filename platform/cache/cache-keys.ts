/**
 * Key layout of the query cache. Every key starts with its namespace (a projection's name), so
 * a projection's whole cache can be dropped with one `clean`; the cacher itself puts
 * `<redis.keyPrefix>cache-` in front of them all.
 */

/** The key of one cached answer about an entity; `variant` tells apart answers that differ by parameters (a page). */
export function answerKey(namespace: string, entity: string, variant?: string): string {
	return variant === undefined ? `${namespace}:answer:${entity}` : `${namespace}:answer:${entity}|${variant}`;
}

/** The key of an entity's generation (see generation.ts), shared by every answer about it. */
export function generationKey(namespace: string, entity: string): string {
	return `${namespace}:gen:${entity}`;
}

/** Matches every key of a namespace, for `Cacher#clean` (Redis and Memory read `**` alike). */
export function namespacePattern(namespace: string): string {
	return `${namespace}:**`;
}

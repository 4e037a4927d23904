/** moleculer-web's CORS options, as its routes take them. */
export type CorsOptions = {
	origin: string | string[];
	methods: string[];
	allowedHeaders: string[];
	exposedHeaders: string[];
	maxAge: number;
};

/** What a browser script may read of an answer besides the safelisted headers. */
const EXPOSED = ["X-Request-ID", "Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy"];

/**
 * CORS for the configured origins, or none. Credentials stay off: the API takes bearer
 * tokens, not cookies, so a browser never sends anything on its own. An Origin not listed
 * is refused (403) by moleculer-web.
 */
export function corsOptions(origins: readonly string[]): CorsOptions | undefined {
	if (origins.length === 0) return undefined;
	return {
		origin: origins.includes("*") ? "*" : [...origins],
		methods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
		allowedHeaders: ["Authorization", "Content-Type", "X-Request-ID", "traceparent"],
		exposedHeaders: EXPOSED,
		maxAge: 600,
	};
}

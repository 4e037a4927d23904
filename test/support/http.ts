export type JsonAnswer = { status: number; headers: Headers; body: Record<string, unknown> };

/** A JSON request to a node's gateway: GET without a body, POST with one, unless `method` says otherwise. */
export async function requestJson(
	url: string,
	init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<JsonAnswer> {
	const res = await fetch(url, {
		method: init.method ?? (init.body === undefined ? "GET" : "POST"),
		headers: { "content-type": "application/json", ...init.headers },
		body: init.body === undefined ? undefined : JSON.stringify(init.body),
	});
	return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

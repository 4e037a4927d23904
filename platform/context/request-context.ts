import { AsyncLocalStorage } from "node:async_hooks";

/** What every log line written while serving a request should carry. */
export type RequestContext = { traceId: string; requestId: string; action?: string };

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with `context` visible to everything it awaits, log lines included. */
export function runInRequestContext<T>(context: RequestContext, fn: () => T): T {
	return storage.run(context, fn);
}

export function currentRequestContext(): RequestContext | undefined {
	return storage.getStore();
}

import { Errors } from "moleculer";

/**
 * A failure of ours or of a server we depend on; the caller can only retry later.
 * Retryable so Moleculer's retry policy may try another node.
 */
export class SystemError extends Errors.MoleculerRetryableError {
	constructor(message: string, status = 500, type = "SYSTEM_ERROR", data?: unknown) {
		super(message, status, type, data);
		this.name = new.target.name;
	}
}

/** 503: not available yet (a read model behind, a dependency down); retry after a moment. */
export class UnavailableError extends SystemError {
	constructor(message: string, type = "UNAVAILABLE", data?: unknown) {
		super(message, 503, type, data);
	}
}

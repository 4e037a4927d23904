import type { IncomingMessage, ServerResponse } from "node:http";
import { UnsupportedMediaTypeError } from "../errors/index.ts";

/**
 * A moleculer-web route middleware refusing, with 415, a request whose body is not JSON. The
 * route parses JSON bodies only: any other body would be left unread, the call would run on the
 * query string alone (credentials and all, which access logs keep), and the body size limit
 * (413) would not hold for it.
 */
export function jsonBodiesOnly(req: IncomingMessage, _res: ServerResponse, next: (err?: unknown) => void): void {
	const readable = !hasBody(req) || mediaTypeOf(req.headers["content-type"]) === "application/json";
	next(readable ? undefined : new UnsupportedMediaTypeError("The request body must be JSON (Content-Type: application/json)"));
}

function hasBody(req: IncomingMessage): boolean {
	const length = req.headers["content-length"];
	return req.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

function mediaTypeOf(contentType: string | undefined): string {
	return (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

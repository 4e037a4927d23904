import type { Rpc } from "./rpc-catalog.ts";

type FieldDescriptor = { name: string; jsonName?: string; label?: string };

/**
 * An action's reply as the rpc's response message: dates as RFC 3339 strings (as JSON carries
 * them across the transporter), and a list put into the response's one repeated field
 * (`ListTransactions` answers { transactions: [...] } where the action answers [...]).
 */
export function replyMessage(reply: unknown, rpc: Rpc): unknown {
	const plain = reply === undefined ? {} : messageValue(reply);
	if (!Array.isArray(plain)) return plain;
	const fields = (rpc.definition.responseType as { type?: { field?: FieldDescriptor[] } }).type?.field ?? [];
	const repeated = fields.filter((f) => f.label === "LABEL_REPEATED");
	if (fields.length !== 1 || !repeated[0]) {
		throw new Error(`${rpc.action} answers a list; ${rpc.path} must answer a message with exactly one repeated field`);
	}
	return { [fieldKey(repeated[0])]: plain };
}

/**
 * A reply value as protobufjs takes it: dates become strings, bytes stay bytes, undefined
 * fields go. A walk rather than a JSON round trip: a cached answer is already plain data,
 * and a round trip would cost a serialisation per call and turn bytes into arrays of numbers.
 */
function messageValue(value: unknown): unknown {
	if (value instanceof Date) return value.toISOString();
	if (Array.isArray(value)) return value.map(messageValue);
	if (value === null || typeof value !== "object" || ArrayBuffer.isView(value)) return value;
	const out: Record<string, unknown> = {};
	for (const [key, field] of Object.entries(value)) if (field !== undefined) out[key] = messageValue(field);
	return out;
}

/** The field's key in the objects the loader hands out (camelCase; descriptors often leave jsonName empty). */
function fieldKey(field: FieldDescriptor): string {
	return field.jsonName || field.name.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
}

import type { Rpc } from "./rpc-catalog.ts";

type FieldDescriptor = { name: string; jsonName?: string; label?: string };

/**
 * An action's reply as the rpc's response message: as JSON would carry it across the
 * transporter (dates as RFC 3339 strings), and a list put into the response's one repeated
 * field (`ListTransactions` answers { transactions: [...] } where the action answers [...]).
 */
export function replyMessage(reply: unknown, rpc: Rpc): unknown {
	const plain = reply === undefined ? {} : JSON.parse(JSON.stringify(reply));
	if (!Array.isArray(plain)) return plain;
	const fields = (rpc.definition.responseType as { type?: { field?: FieldDescriptor[] } }).type?.field ?? [];
	const repeated = fields.filter((f) => f.label === "LABEL_REPEATED");
	if (fields.length !== 1 || !repeated[0]) {
		throw new Error(`${rpc.action} answers a list; ${rpc.path} must answer a message with exactly one repeated field`);
	}
	return { [fieldKey(repeated[0])]: plain };
}

/** The field's key in the objects the loader hands out (camelCase; descriptors often leave jsonName empty). */
function fieldKey(field: FieldDescriptor): string {
	return field.jsonName || field.name.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
}

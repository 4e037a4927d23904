import { isIP } from "node:net";

/**
 * The addresses that count as one client for limits: an IPv4 address on its own, an IPv6
 * address with its whole /64. A host or subscriber is given a /64 and may use any address in
 * it, so counting each address apart would let one client rotate past every per-IP limit.
 * Logs and audit keep the exact address; only the counting is by block.
 */
export function clientBlock(ip: string): string {
	if (isIP(ip) !== 6) return ip;
	return `${hextetsOf(ip).slice(0, 4).join(":")}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, in lowercase hex without leading zeros. */
function hextetsOf(ip: string): string[] {
	const address = ip.split("%")[0] ?? ip;
	const [head = "", tail] = address.split("::");
	const groups = (part: string) => (part === "" ? [] : part.split(":").flatMap(groupOrDotted));
	const left = groups(head);
	const right = tail === undefined ? [] : groups(tail);
	const zeros = Array<string>(8 - left.length - right.length).fill("0");
	return [...left, ...zeros, ...right].map((group) => Number.parseInt(group, 16).toString(16));
}

/** A group, or an IPv4 address written in the last 32 bits (`::ffff:1.2.3.4`) as two groups. */
function groupOrDotted(group: string): string[] {
	if (!group.includes(".")) return [group];
	const [a = 0, b = 0, c = 0, d = 0] = group.split(".").map(Number);
	return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}

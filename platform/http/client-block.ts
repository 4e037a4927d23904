import { isIP } from "node:net";
import { ipv6Groups } from "./ipv6-groups.ts";

/**
 * The addresses that count as one client for limits: an IPv4 address on its own, an IPv6
 * address with its whole /64. A host or subscriber is given a /64 and may use any address in
 * it, so counting each address apart would let one client rotate past every per-IP limit.
 * Logs and audit keep the exact address; only the counting is by block.
 */
export function clientBlock(ip: string): string {
	if (isIP(ip) !== 6) return ip;
	const prefix = ipv6Groups(ip).slice(0, 4);
	return `${prefix.map((group) => group.toString(16)).join(":")}::/64`;
}

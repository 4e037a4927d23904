import { BlockList, isIP } from "node:net";
import { ipv6Groups } from "../../platform/http/index.ts";

/**
 * Addresses a webhook must not reach: our own network (loopback, private, shared, link-local,
 * unique-local), and what is no single host's (unspecified, multicast, reserved, benchmarking).
 * An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is checked by BlockList against the IPv4 rules,
 * so those ranges need no IPv6 twin; a rule for ::ffff:0:0/96 itself would match every IPv4 address.
 */
const REFUSED = new BlockList();
const refuse = (family: "ipv4" | "ipv6", ranges: [string, number][]) => {
	for (const [net, prefix] of ranges) REFUSED.addSubnet(net, prefix, family);
};
refuse("ipv4", [
	["0.0.0.0", 8],
	["10.0.0.0", 8],
	["100.64.0.0", 10],
	["127.0.0.0", 8],
	["169.254.0.0", 16],
	["172.16.0.0", 12],
	["192.0.0.0", 24],
	["192.168.0.0", 16],
	["198.18.0.0", 15],
	["224.0.0.0", 4],
	["240.0.0.0", 4],
]);
refuse("ipv6", [
	["::", 128],
	["::1", 128],
	["fc00::", 7],
	["fe80::", 10],
	["fec0::", 10],
	["ff00::", 8],
	// Local-use NAT64: where the IPv4 address sits depends on the prefix length its operator chose.
	["64:ff9b:1::", 48],
]);

/**
 * IPv6 ranges that carry an IPv4 address a gateway may forward to: NAT64 (64:ff9b::/96),
 * IPv4-translated (::ffff:0:0:0/96) and IPv4-compatible (::/96) in the last 32 bits, 6to4
 * (2002::/16) in the 32 after the prefix. Such an address is refused when the IPv4 address
 * inside it is.
 */
function embeddedIpv4(address: string): string | undefined {
	const groups = ipv6Groups(address);
	const ipv4 = (high: number, low: number) => [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".");
	const zero = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0);
	const [g0, g1, g2, , g4, g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
	if (g0 === 0x64 && g1 === 0xff9b && zero(2, 6)) return ipv4(g6, g7);
	if (zero(0, 4) && g4 === 0xffff && g5 === 0) return ipv4(g6, g7);
	if (zero(0, 6)) return ipv4(g6, g7);
	if (g0 === 0x2002) return ipv4(g1, g2);
	return undefined;
}

export function isPrivateAddress(address: string): boolean {
	const family = isIP(address);
	if (family === 4) return REFUSED.check(address, "ipv4");
	if (family !== 6) return false;
	if (REFUSED.check(address, "ipv6")) return true;
	const inside = embeddedIpv4(address);
	return inside !== undefined && REFUSED.check(inside, "ipv4");
}

import { BlockList, isIP } from "node:net";

/** Which peers may tell us the client's address: addresses (`10.0.0.5`) or CIDR ranges (`10.0.0.0/8`), as config has checked them. */
export function trustedProxyList(entries: readonly string[]): BlockList {
	const list = new BlockList();
	for (const entry of entries) {
		const [address = "", prefix] = entry.split("/");
		const family = isIP(address) === 6 ? "ipv6" : "ipv4";
		if (prefix === undefined) list.addAddress(address, family);
		else list.addSubnet(address, Number(prefix), family);
	}
	return list;
}

const BRACKETED_V6 = /^\[([^\]]+)\](?::\d+)?$/;
const V4_WITH_PORT = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/;

/**
 * An address as peers and proxies write it, without brackets, port, or the IPv4-mapped prefix:
 * `[2001:db8::1]:443` -> `2001:db8::1`, `203.0.113.5:4711` and `::ffff:203.0.113.5` -> `203.0.113.5`.
 */
function normalise(address: string): string {
	const bare = BRACKETED_V6.exec(address)?.[1] ?? V4_WITH_PORT.exec(address)?.[1] ?? address;
	return bare.replace(/^::ffff:/i, "");
}

/**
 * The client's address: the peer's, unless the peer is a trusted proxy; then X-Forwarded-For
 * is read from the right, skipping trusted proxies, and the first untrusted address is the
 * client (everything left of it could have been written by the client itself).
 * Hops may carry a port (some proxies write `ip:port`), which is dropped. A hop that is not an
 * address ends the walk at the last trusted proxy.
 */
export function clientIp(peer: string | undefined, forwardedFor: string | string[] | undefined, trusted: BlockList): string | undefined {
	const isTrusted = (address: string) => {
		const family = isIP(address);
		return family !== 0 && trusted.check(address, family === 6 ? "ipv6" : "ipv4");
	};
	if (!peer) return undefined;
	let client = normalise(peer);
	// Without the header there is nothing a proxy could have told us: no need to ask whether the peer is one.
	if (!forwardedFor || !isTrusted(client)) return client;
	const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor)
		.split(",")
		.map((hop) => normalise(hop.trim()))
		.filter((hop) => hop !== "");
	for (let i = hops.length - 1; i >= 0; i--) {
		const hop = hops[i] as string;
		// Garbage in the header ends the chain at the last proxy we trust.
		if (isIP(hop) === 0) return client;
		client = hop;
		if (!isTrusted(client)) return client;
	}
	return client;
}

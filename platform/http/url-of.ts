import type { AddressInfo } from "node:net";

/** The URL of a bound listener, brackets around an IPv6 address. */
export function urlOf(scheme: string, { address, family, port }: AddressInfo): string {
	const host = family === "IPv6" ? `[${address}]` : address;
	return `${scheme}://${host}:${port}`;
}

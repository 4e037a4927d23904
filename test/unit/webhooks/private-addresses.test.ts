import { isPrivateAddress } from "../../../services/webhooks/private-addresses.ts";

/** Those of `addresses` that are refused. */
const refused = (addresses: string[]) => addresses.filter(isPrivateAddress);

describe("isPrivateAddress", () => {
	it("lets public IPv4 and IPv6 addresses through", () => {
		expect(refused(["8.8.8.8", "1.1.1.1", "93.184.215.14", "2606:4700::1111", "2001:4860:4860::8888", "::ffff:8.8.8.8"])).toEqual([]);
	});

	it("refuses our own network and what is no single host's", () => {
		const addresses = [
			"127.0.0.1",
			"10.1.2.3",
			"172.16.0.1",
			"192.168.1.1",
			"169.254.169.254",
			"100.64.0.1",
			"0.0.0.0",
			"198.18.0.1",
			"224.0.0.1",
			"255.255.255.255",
			"::",
			"::1",
			"fd00::1",
			"fe80::1",
			"fec0::1",
			"ff02::1",
			"64:ff9b:1:808:8:800::",
		];
		expect(refused(addresses)).toEqual(addresses);
	});

	it("refuses an IPv6 address that carries a refused IPv4 address: mapped, NAT64, translated, 6to4 or compatible", () => {
		const addresses = [
			"::ffff:127.0.0.1",
			"::ffff:a9fe:a9fe",
			"64:ff9b::7f00:1",
			"64:ff9b::10.0.0.5",
			"2002:a9fe:a9fe::1",
			"::127.0.0.1",
			"::ffff:0:10.0.0.1",
		];
		expect(refused(addresses)).toEqual(addresses);
		expect(refused(["64:ff9b::808:808", "2002:808:808::1"])).toEqual([]);
	});

	it("is false for what is not an address (a name is checked once resolved)", () => {
		expect(isPrivateAddress("example.com")).toBe(false);
	});
});

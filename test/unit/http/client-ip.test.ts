import { clientIp, trustedProxyList } from "../../../platform/http/index.ts";

describe("client IP", () => {
	const trusted = trustedProxyList(["10.0.0.0/8", "192.0.2.1"]);

	it("is the peer when the peer is no trusted proxy, whatever X-Forwarded-For says", () => {
		expect(clientIp("203.0.113.7", "198.51.100.1", trusted)).toBe("203.0.113.7");
		expect(clientIp("::ffff:203.0.113.7", undefined, trusted)).toBe("203.0.113.7");
	});

	it("is the first untrusted hop from the right behind trusted proxies", () => {
		expect(clientIp("10.1.2.3", "198.51.100.9", trusted)).toBe("198.51.100.9");
		// The client wrote 1.1.1.1 itself; the proxies appended what they saw.
		expect(clientIp("10.1.2.3", "1.1.1.1, 198.51.100.9, 192.0.2.1", trusted)).toBe("198.51.100.9");
		expect(clientIp("10.1.2.3", ["1.1.1.1", "198.51.100.9"], trusted)).toBe("198.51.100.9");
	});

	it("drops the port a proxy writes with a hop", () => {
		expect(clientIp("10.1.2.3", "203.0.113.5:4711", trusted)).toBe("203.0.113.5");
		expect(clientIp("10.1.2.3", "[2001:db8::1]:443", trusted)).toBe("2001:db8::1");
		expect(clientIp("10.1.2.3", "[2001:db8::1]", trusted)).toBe("2001:db8::1");
		expect(clientIp("10.1.2.3", "2001:db8::1", trusted)).toBe("2001:db8::1");
		expect(clientIp("10.1.2.3", "198.51.100.9:80, 192.0.2.1:8080", trusted)).toBe("198.51.100.9");
	});

	it("stops at the last trusted proxy on a hop that is not an address", () => {
		expect(clientIp("10.1.2.3", "not-an-ip, 192.0.2.1", trusted)).toBe("192.0.2.1");
		expect(clientIp("10.1.2.3", "", trusted)).toBe("10.1.2.3");
	});
});

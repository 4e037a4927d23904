import { clientBlock } from "../../../platform/http/index.ts";

describe("client block", () => {
	it("is an IPv4 address itself", () => {
		expect(clientBlock("203.0.113.7")).toBe("203.0.113.7");
	});

	it("is an IPv6 address's /64, however the address is written", () => {
		expect(clientBlock("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:1:2::/64");
		expect(clientBlock("2001:0DB8:0001:0002::1")).toBe("2001:db8:1:2::/64");
		expect(clientBlock("2001:db8::1")).toBe("2001:db8:0:0::/64");
		expect(clientBlock("::1")).toBe("0:0:0:0::/64");
		expect(clientBlock("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
		expect(clientBlock("64:ff9b::192.0.2.33")).toBe("64:ff9b:0:0::/64");
	});

	it("tells different /64s apart", () => {
		expect(clientBlock("2001:db8:1:2::1")).not.toBe(clientBlock("2001:db8:1:3::1"));
	});
});

import { newSecret, sign, verify } from "../../../services/webhooks/signature.ts";

describe("webhook signatures (Standard Webhooks)", () => {
	const secret = newSecret();
	const body = JSON.stringify({ type: "ledger.AccountOpened", data: { accountId: "a-1" } });

	it("verifies what it signed, and nothing else", () => {
		const signature = sign(secret, "msg-1", 1_700_000_000, body);
		expect(signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
		expect(verify(secret, "msg-1", 1_700_000_000, body, signature)).toBe(true);
		expect(verify(secret, "msg-1", 1_700_000_000, `${body} `, signature)).toBe(false);
		expect(verify(secret, "msg-2", 1_700_000_000, body, signature)).toBe(false);
		expect(verify(secret, "msg-1", 1_700_000_001, body, signature)).toBe(false);
		expect(verify(newSecret(), "msg-1", 1_700_000_000, body, signature)).toBe(false);
	});

	it("accepts any of several space-separated signatures (a rotated secret)", () => {
		const signature = sign(secret, "msg-1", 1, body);
		expect(verify(secret, "msg-1", 1, body, `v1,bm90IGl0 ${signature}`)).toBe(true);
	});

	it("matches the Standard Webhooks reference vector", () => {
		// From the spec's reference implementations (standard-webhooks, "test_sign").
		const reference = sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}');
		expect(reference).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
	});
});

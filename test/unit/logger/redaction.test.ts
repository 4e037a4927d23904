import { REDACTION, redactSecrets } from "../../../platform/logger/index.ts";
import { capturedLogger } from "../../support/captured-logger.ts";

describe("log redaction", () => {
	it("keeps passwords and tokens out of log lines, as the gateway logs a request's params", () => {
		const { logger, lines } = capturedLogger("debug", REDACTION);
		const params = { currentPassword: "old secret", newPassword: "new secret", email: "ada@example.com" };
		logger.debug(params, "   Params:");
		logger.debug({ params, meta: { authorization: "Bearer abc", user: { refreshToken: "r" } } }, "call");
		const text = JSON.stringify(lines);
		expect(text).not.toMatch(/old secret|new secret|Bearer abc|"r"/);
		expect(lines[0]).toMatchObject({ currentPassword: "[redacted]", newPassword: "[redacted]", email: "ada@example.com" });
		// The request's own params are untouched: only the line's copy is redacted.
		expect(params.currentPassword).toBe("old secret");
	});

	it("finds secrets at any depth, in lists and in errors, and keeps an error an error", () => {
		const { logger, lines } = capturedLogger("debug", REDACTION);
		const err = Object.assign(new Error("login refused"), { data: { attempts: [{ password: "hunter2" }] } });
		logger.error({ err, a: { b: { c: { d: { e: { apiKey: "k-123" } } } } } }, "failed");
		expect(JSON.stringify(lines)).not.toMatch(/hunter2|k-123/);
		expect(lines[0]?.err).toMatchObject({ type: "Error", message: "login refused", data: { attempts: [{ password: "[redacted]" }] } });
		expect(lines[0]?.err).toHaveProperty("stack", expect.stringContaining("login refused"));
		expect(err.data.attempts[0]?.password).toBe("hunter2");
	});

	it("hands back what holds no secret as it is, and stops at a cycle", () => {
		const plain = { user: { id: "u-1" }, items: [1, 2, { name: "x" }] };
		expect(redactSecrets(plain)).toBe(plain);
		const cyclic: Record<string, unknown> = { token: "t" };
		cyclic.self = cyclic;
		expect(redactSecrets(cyclic)).toMatchObject({ token: "[redacted]", self: { token: "[redacted]" } });
	});
});

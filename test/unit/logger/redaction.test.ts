import { REDACTED_PATHS } from "../../../platform/logger/index.ts";
import { capturedLogger } from "../../support/captured-logger.ts";

describe("log redaction", () => {
	it("keeps passwords and tokens out of log lines, as the gateway logs a request's params", () => {
		const { logger, lines } = capturedLogger("debug", { redact: { paths: REDACTED_PATHS, censor: "[redacted]" } });
		const params = { currentPassword: "old secret", newPassword: "new secret", email: "ada@example.com" };
		logger.debug(params, "   Params:");
		logger.debug({ params, meta: { authorization: "Bearer abc", user: { refreshToken: "r" } } }, "call");
		const text = JSON.stringify(lines);
		expect(text).not.toMatch(/old secret|new secret|Bearer abc|"r"/);
		expect(lines[0]).toMatchObject({ currentPassword: "[redacted]", newPassword: "[redacted]", email: "ada@example.com" });
	});
});

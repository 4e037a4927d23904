import { hashPassword, verifyPassword } from "../../../platform/auth/index.ts";

describe("password hashes", () => {
	it("verify the password they were made from, and nothing else", async () => {
		const hash = await hashPassword("correct horse battery", 1_024);
		expect(hash).toMatch(/^scrypt\$1024\$8\$1\$/);
		expect(hash).not.toContain("correct horse");
		await expect(verifyPassword("correct horse battery", hash)).resolves.toBe(true);
		await expect(verifyPassword("correct horse batterY", hash)).resolves.toBe(false);
		await expect(verifyPassword("correct horse battery", "plain")).resolves.toBe(false);
	});

	it("keep verifying after the cost is raised (the cost travels with the hash)", async () => {
		const old = await hashPassword("pw-0123456789", 1_024);
		const newer = await hashPassword("pw-0123456789", 4_096);
		await expect(verifyPassword("pw-0123456789", old)).resolves.toBe(true);
		await expect(verifyPassword("pw-0123456789", newer)).resolves.toBe(true);
	});
});

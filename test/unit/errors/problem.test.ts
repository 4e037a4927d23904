import { Errors } from "moleculer";
import { ConflictError, problemOf, TooManyRequestsError, UnavailableError, ValidationError } from "../../../platform/errors/index.ts";

describe("problemOf", () => {
	it("keeps a business error's status, code and message", () => {
		expect(problemOf(new ConflictError("Account acc-1 already exists", "ACCOUNT_EXISTS"), "t-1")).toEqual({
			type: "urn:problem:account-exists",
			title: "Conflict",
			status: 409,
			detail: "Account acc-1 already exists",
			code: "ACCOUNT_EXISTS",
			traceId: "t-1",
		});
	});

	it("lists the fields of the platform's and of Moleculer's validation errors", () => {
		expect(problemOf(new ValidationError([{ field: "amount", reason: "must be positive" }])).errors).toEqual([
			{ field: "amount", reason: "must be positive" },
		]);
		const moleculer = new Errors.ValidationError("Parameters validation error!", "VALIDATION_ERROR", [
			{ type: "numberMax", field: "limit", message: "The 'limit' field must be less than or equal to 100.", actual: 1000 },
		]);
		expect(problemOf(moleculer)).toMatchObject({ status: 422, code: "VALIDATION_ERROR", errors: [{ field: "limit" }] });
	});

	it("says nothing of an unexpected error, also one rebuilt from another node", () => {
		for (const err of [new Error("password=hunter2 at db:5432"), { name: "TypeError", message: "x is undefined", code: 500 }, undefined]) {
			const problem = problemOf(err, "t-2");
			expect(problem).toMatchObject({ status: 500, code: "INTERNAL_ERROR", traceId: "t-2" });
			expect(problem.detail).not.toMatch(/hunter2|undefined|db/);
		}
	});

	it("lets a system error written for callers speak, and no other", () => {
		expect(problemOf(new UnavailableError("Read model behind; retry shortly", "READ_MODEL_BEHIND"))).toMatchObject({
			status: 503,
			code: "READ_MODEL_BEHIND",
			detail: "Read model behind; retry shortly",
		});
		const timeout = new Errors.RequestTimeoutError({ action: "ledger.deposit", nodeID: "node-7" });
		expect(problemOf(timeout)).toMatchObject({ status: 504, code: "TIMEOUT" });
		expect(problemOf(timeout).detail).not.toContain("node-7");
	});

	it("tells a throttled caller when to come back", () => {
		expect(problemOf(new TooManyRequestsError("Too many failed logins", 42.2, "LOGIN_THROTTLED"))).toMatchObject({
			status: 429,
			code: "LOGIN_THROTTLED",
			retryAfterSeconds: 43,
		});
		expect(problemOf(new ConflictError("taken"))).not.toHaveProperty("retryAfterSeconds");
	});
});

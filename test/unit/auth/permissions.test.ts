import { covers, permissionsOf } from "../../../platform/auth/index.ts";

describe("permissions", () => {
	it("are covered by themselves, by * and by a module or resource wildcard", () => {
		expect(covers(["ledger:accounts:read"], "ledger:accounts:read")).toBe(true);
		expect(covers(["*"], "ledger:accounts:write")).toBe(true);
		expect(covers(["ledger:*"], "ledger:accounts:write")).toBe(true);
		expect(covers(["ledger:accounts:*"], "ledger:accounts:write")).toBe(true);
		expect(covers(["ledger:accounts:read"], "ledger:accounts:write")).toBe(false);
		expect(covers(["ledger:*"], "ledgers:accounts:read")).toBe(false);
		expect(covers([], "system:info:read")).toBe(false);
	});

	it("of roles come from the roles' definitions; an unknown role grants nothing", () => {
		const roles = { admin: ["*"], accountant: ["ledger:accounts:read", "ledger:transfers:read"], auditor: ["ledger:accounts:read"] };
		expect(permissionsOf(["accountant", "auditor", "ghost"], roles)).toEqual(["ledger:accounts:read", "ledger:transfers:read"]);
	});
});

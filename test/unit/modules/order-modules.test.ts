import { ModuleError, orderModules, withDependencies } from "../../../platform/modules/index.ts";

const mod = (name: string, ...dependsOn: string[]) => ({ name, dependsOn });
const names = (mods: { name: string }[]) => mods.map((m) => m.name);

describe("orderModules", () => {
	it("puts every module after its dependencies, ties in name order", () => {
		expect(names(orderModules([mod("ledger", "identity"), mod("audit"), mod("identity")]))).toEqual(["audit", "identity", "ledger"]);
	});

	it("orders a diamond with the shared dependency first and once", () => {
		const ordered = names(orderModules([mod("top", "left", "right"), mod("left", "base"), mod("right", "base"), mod("base")]));
		expect(ordered).toEqual(["base", "left", "right", "top"]);
	});

	it("refuses a cycle and names it", () => {
		expect(() => orderModules([mod("a", "b"), mod("b", "c"), mod("c", "a")])).toThrow(
			new ModuleError("Module dependency cycle: a -> b -> c -> a"),
		);
	});

	it("refuses a module depending on itself", () => {
		expect(() => orderModules([mod("a", "a")])).toThrow("Module dependency cycle: a -> a");
	});

	it("refuses a missing dependency, naming both modules", () => {
		expect(() => orderModules([mod("ledger", "identity")])).toThrow('Module "ledger" depends on missing module(s): identity');
	});

	it("refuses a duplicate name", () => {
		expect(() => orderModules([mod("a"), mod("a")])).toThrow('Duplicate module name "a"');
	});
});

describe("withDependencies", () => {
	it("adds transitive dependencies and keeps dependency order", () => {
		const all = [mod("ledger", "identity"), mod("identity", "authz"), mod("authz"), mod("webhooks")];
		expect(names(withDependencies(all, ["ledger"]))).toEqual(["authz", "identity", "ledger"]);
	});
});

import type { Service } from "moleculer";
import type { ModuleDescriptor } from "../modules/index.ts";

/**
 * A service belongs to the module its name starts with: `ledger` and `ledger.transfers`
 * are services of module `ledger`. The module's main service carries the module's name,
 * which is what dependent modules wait for.
 */
export function moduleOfService(serviceName: string, modules: readonly ModuleDescriptor[]): ModuleDescriptor | undefined {
	const prefix = serviceName.split(".")[0];
	return modules.find((m) => m.name === prefix);
}

export function localServiceNames(services: readonly Service[]): string[] {
	return services.map((s) => s.name).filter((name) => !name.startsWith("$"));
}

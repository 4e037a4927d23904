import { ModuleError } from "./errors.ts";

type Node = { name: string; dependsOn: readonly string[] };

/**
 * Orders modules so that each comes after everything it depends on; ties keep name order so
 * the result is the same on every node. Refuses duplicates, missing modules and cycles.
 */
export function orderModules<T extends Node>(modules: readonly T[]): T[] {
	const byName = new Map<string, T>();
	for (const mod of modules) {
		if (byName.has(mod.name)) throw new ModuleError(`Duplicate module name "${mod.name}"`);
		byName.set(mod.name, mod);
	}
	for (const mod of modules) {
		const missing = mod.dependsOn.filter((dep) => !byName.has(dep));
		if (missing.length > 0) throw new ModuleError(`Module "${mod.name}" depends on missing module(s): ${missing.join(", ")}`);
	}

	const ordered: T[] = [];
	const state = new Map<string, "visiting" | "done">();
	const visit = (mod: T, trail: string[]): void => {
		const seen = state.get(mod.name);
		if (seen === "done") return;
		if (seen === "visiting") {
			const cycle = [...trail.slice(trail.indexOf(mod.name)), mod.name];
			throw new ModuleError(`Module dependency cycle: ${cycle.join(" -> ")}`);
		}
		state.set(mod.name, "visiting");
		for (const dep of [...mod.dependsOn].sort()) visit(byName.get(dep) as T, [...trail, mod.name]);
		state.set(mod.name, "done");
		ordered.push(mod);
	};
	for (const mod of [...modules].sort((a, b) => a.name.localeCompare(b.name))) visit(mod, []);
	return ordered;
}

/** The named modules plus everything they depend on, transitively. */
export function withDependencies<T extends Node>(all: readonly T[], names: Iterable<string>): T[] {
	const byName = new Map(all.map((m) => [m.name, m]));
	const wanted = new Set<string>();
	const add = (name: string): void => {
		if (wanted.has(name)) return;
		const mod = byName.get(name);
		if (!mod) throw new ModuleError(`Unknown module "${name}"`);
		wanted.add(name);
		for (const dep of mod.dependsOn) add(dep);
	};
	for (const name of names) add(name);
	return orderModules(all).filter((m) => wanted.has(m.name));
}

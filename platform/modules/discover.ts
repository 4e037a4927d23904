import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parse as parseYaml } from "yaml";
import { ModuleError } from "./errors.ts";
import { type ModuleDescriptor, manifestSchema } from "./manifest.ts";

export const MANIFEST_FILE = "module.yaml";

/**
 * Reads every services/<name>/module.yaml below `root`. All invalid manifests are reported
 * together, each naming its file and field.
 */
export function discoverModules(root: string): ModuleDescriptor[] {
	const problems: string[] = [];
	const modules: ModuleDescriptor[] = [];
	const folders = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory());
	for (const folder of folders) {
		const dir = join(root, folder.name);
		const file = join(dir, MANIFEST_FILE);
		if (!existsSync(file)) continue;
		const descriptor = readManifest(file, dir, problems);
		if (descriptor && descriptor.name !== folder.name) {
			problems.push(`${relative(process.cwd(), file)}: name: "${descriptor.name}" must match its folder "${folder.name}"`);
		} else if (descriptor) modules.push(descriptor);
	}
	if (problems.length > 0) throw new ModuleError(`Invalid module manifests:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
	return modules;
}

function readManifest(file: string, dir: string, problems: string[]): ModuleDescriptor | undefined {
	const shown = relative(process.cwd(), file);
	let raw: unknown;
	try {
		raw = parseYaml(readFileSync(file, "utf8"));
	} catch (err) {
		problems.push(`${shown}: ${(err as Error).message.split("\n")[0]}`);
		return undefined;
	}
	const result = manifestSchema.safeParse(raw ?? {});
	if (result.success) return { ...result.data, dir, file };
	for (const issue of result.error.issues) {
		const path = issue.path.join(".");
		if (issue.code === "unrecognized_keys")
			problems.push(`${shown}: ${issue.keys.map((k) => (path ? `${path}.${k}` : k)).join(", ")}: unknown key`);
		else problems.push(`${shown}: ${path || "(root)"}: ${issue.message}`);
	}
	return undefined;
}

export { discoverModules, MANIFEST_FILE } from "./discover.ts";
export { isModuleError, ModuleError } from "./errors.ts";
export { type Manifest, type ModuleDescriptor, manifestSchema } from "./manifest.ts";
export { orderModules, withDependencies } from "./order.ts";

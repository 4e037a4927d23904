/** A module set that cannot start: invalid manifest, duplicate, missing dependency or cycle. */
export class ModuleError extends Error {
	constructor(message: string) {
		super(message);
		this.name = "ModuleError";
	}
}

export function isModuleError(err: unknown): err is ModuleError {
	return err instanceof ModuleError;
}

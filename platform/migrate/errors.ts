/** A migration that cannot be applied, or an applied one whose file has changed. */
export class MigrationError extends Error {
	constructor(message: string, options?: ErrorOptions) {
		super(message, options);
		this.name = "MigrationError";
	}
}

export function isMigrationError(err: unknown): err is MigrationError {
	return err instanceof MigrationError;
}

/** The spellings of a module's name that its files need. */
export type ModuleNames = {
	/** `notes`: module, service, topic, REST base path, proto package, table prefix. */
	module: string;
	/** `Notes`: TypeScript names and the gRPC service. */
	pascal: string;
};

/**
 * One lower-case word: it must be a valid proto package, SQL table prefix, topic and event
 * type prefix at once, which rules out hyphens and capitals.
 */
const NAME = /^[a-z][a-z0-9]{1,30}$/;

/** The names of a new module, or why `raw` cannot be one. */
export function moduleNames(raw: string | undefined): ModuleNames {
	if (!raw) throw new Error("usage: npm run new:module <name>   (one lower-case word, e.g. notes)");
	if (!NAME.test(raw)) throw new Error(`"${raw}" cannot name a module: use one lower-case word of letters and digits (2-31), e.g. notes`);
	return { module: raw, pascal: raw.charAt(0).toUpperCase() + raw.slice(1) };
}

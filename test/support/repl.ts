import type { ServiceBroker } from "moleculer";

type Command = { command: string; action: (broker: ServiceBroker, params: never, helpers: never) => Promise<void> };

/** Runs a REPL command the way moleculer-repl does and returns what it printed. */
export async function runCommand(commands: readonly Command[], broker: ServiceBroker, name: string, params: object): Promise<string> {
	const command = commands.find((c) => c.command.split(" ")[0] === name);
	if (!command) throw new Error(`no REPL command ${name}`);
	const printed: string[] = [];
	const log = console.log;
	console.log = (...args: unknown[]) => printed.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
	try {
		const table = (rows: unknown[][]) => rows.map((r) => r.join(" | ")).join("\n");
		await command.action(broker, params as never, { table } as never);
	} finally {
		console.log = log;
	}
	return printed.join("\n");
}

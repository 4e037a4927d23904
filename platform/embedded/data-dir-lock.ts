import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** Whether a process with this id is alive (signal 0 only asks). */
function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (err) {
		return (err as NodeJS.ErrnoException).code === "EPERM";
	}
}

/** The folders this process holds, so a second claim from within it is refused too. */
const held = new Set<string>();

/**
 * Claims a data folder for this process. PGlite opens its files without telling anyone, so
 * two databases on one folder would corrupt it; a second claim is refused instead, naming the
 * holder. A lock left by a process that died is taken over, also when a new process got its
 * pid (in a container, every start is pid 1).
 */
export function lockDataDir(dir: string): () => void {
	const path = resolve(dir);
	if (held.has(path)) throw new Error(`${dir} is already open in this process`);
	mkdirSync(path, { recursive: true, mode: 0o700 });
	const file = join(path, "platform.pid");
	for (;;) {
		try {
			writeFileSync(file, String(process.pid), { flag: "wx" });
			held.add(path);
			return () => {
				held.delete(path);
				rmSync(file, { force: true });
			};
		} catch (err) {
			if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
			const holder = Number(readFileSync(file, "utf8"));
			if (holder !== process.pid && alive(holder))
				throw new Error(`${dir} is in use by another platform process (pid ${holder}); stop it, or set embedded.dataDir to another folder`);
			rmSync(file, { force: true });
		}
	}
}

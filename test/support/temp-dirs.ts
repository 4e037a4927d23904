import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The temporary folders of one test file: `make` them as needed, `removeAll` in its afterAll. */
export function tempDirs() {
	const made: string[] = [];
	return {
		make(prefix: string): string {
			const dir = mkdtempSync(join(tmpdir(), prefix));
			made.push(dir);
			return dir;
		},
		removeAll(): void {
			for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
		},
	};
}

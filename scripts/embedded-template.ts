/**
 * `postinstall`: runs PGlite's initdb once per install and keeps the data folder it makes
 * (platform/embedded/data-template.ts), so that the first `npm start` on a new folder copies
 * it instead of spending ~5 s of WebAssembly on initdb. Without it (an install with
 * --ignore-scripts) the first start runs initdb itself.
 */
import { mkdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { publishTemplate, templateDir } from "../platform/embedded/data-template.ts";

const started = performance.now();
const staging = `${templateDir()}.${process.pid}`;
rmSync(staging, { recursive: true, force: true });
mkdirSync(dirname(staging), { recursive: true });
const db = await PGlite.create(staging);
await db.close();
const dir = publishTemplate(staging);
process.stdout.write(`embedded database template: ${dir} (${Math.round(performance.now() - started)} ms)\n`);

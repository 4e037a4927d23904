import { enableCompileCache } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Node's on-disk cache of compiled code, for every module loaded after this one: a node's
 * start is mostly loading and compiling the platform and its libraries (~1 s on two cores),
 * and a warm cache halves that. It lives with the install (node_modules/.cache), so an image
 * that starts the platform once at build time ships it warm; NODE_COMPILE_CACHE chooses
 * another folder. Stale entries are detected by Node and recompiled. The npm scripts that
 * start a node set NODE_COMPILE_CACHE, so that Node turns the cache on before this file is
 * itself stripped of its types: a warm start then never runs Node's TypeScript stripper,
 * which holds ~9-14 MB for the life of the process. This call covers `moleculer-runner` run by hand.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
enableCompileCache(process.env.NODE_COMPILE_CACHE ?? join(root, "node_modules", ".cache", "node-compile"));

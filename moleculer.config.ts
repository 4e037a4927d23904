// First, and before the rest is even parsed: ES modules are all loaded before any runs, so
// the compile cache must be on before the platform is imported (dynamically, below).
import "./platform/bootstrap/compile-cache.ts";

const { nodeBrokerOptions } = await import("./platform/bootstrap/node-entry.ts");

export default await nodeBrokerOptions();

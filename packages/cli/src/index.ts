// @updraft/cli: the `updraft` command (bin/updraft.js runs src/main.ts), and the pieces other
// entry points reuse: configuration and the long-running server and worker processes.
export { loadConfig, type Config } from "./config.ts";
export { runServerProcess } from "./commands/standalone.ts";
export { runWorkerProcess } from "./commands/worker.ts";
export { type Engine } from "./runtime.ts";
export { loadSettingSources } from "./settings-sources.ts";

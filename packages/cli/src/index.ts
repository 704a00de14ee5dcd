// @updraft/cli: the `updraft` command (bin/updraft.js runs src/main.ts), and the pieces other
// entry points reuse: configuration and the long-running server and worker processes.
export { loadConfig, type Config } from "./config.ts";
export { runServerProcess } from "./commands/standalone.ts";
export { runWorkerProcess, workerSettings, type WorkerSettings } from "./commands/worker.ts";
export { openEngine, openConfiguredStore, type Engine } from "./runtime.ts";
export { loadSettingSources, settingOrigin, CONFIG_FILES, type SettingSources } from "./settings-sources.ts";

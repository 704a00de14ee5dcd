#!/usr/bin/env node
// Launcher for the `updraft` command. Installed from npm, it runs the built JavaScript (dist/) on
// Node >= 22.15. From a checkout of the repository (src/ beside bin/), it runs the TypeScript
// sources directly (type stripping, Node >= 22.18), with `@updraft/*` resolved to their sources
// through the `@updraft/source` export condition, set in NODE_OPTIONS so that threads and child
// processes (DAG parses, remote workers) resolve them the same way. When the running Node cannot
// do that (the system's Node 20, say), re-run under the Node 24 binary that npm installed beside
// @updraft/cli (registry packages node-<os>-<arch>, its optionalDependencies).
//
// A re-run child is tied to this launcher by an IPC channel: when the launcher dies, even by
// SIGKILL, the channel closes and the child stops at once as if it had been killed too (a
// scheduler's recovery then takes over its runs), so no orphan keeps a database or a port.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import * as nodeModule from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const self = fileURLToPath(import.meta.url);
const root = join(dirname(self), "..");
const source = join(root, "src", "main.ts");
const checkout = existsSync(source);
const main = checkout ? source : join(root, "dist", "main.js");
const LAUNCHED = "UPDRAFT_LAUNCHER_PID";
const CONDITION = "--conditions=@updraft/source";

const nodeOptions = (process.env.NODE_OPTIONS ?? "").split(/\s+/).filter(Boolean);
const hasCondition = nodeOptions.includes(CONDITION);
const canRun = checkout ? process.features.typescript && typeof nodeModule.registerHooks === "function" : typeof nodeModule.registerHooks === "function";

if (canRun && (!checkout || hasCondition)) {
  const launcher = process.env[LAUNCHED];
  if (launcher && process.channel) {
    delete process.env[LAUNCHED];
    // The channel must not keep the process alive; it only tells us when the launcher is gone.
    process.channel.unref();
    process.once("disconnect", () => {
      process.stderr.write(`updraft: the launcher (pid ${launcher}) is gone; stopping\n`);
      process.kill(process.pid, "SIGKILL");
    });
  }
  if (!existsSync(main)) {
    console.error(`updraft: ${main} is missing; this installation of @updraft/cli is incomplete (reinstall it).`);
    process.exit(2);
  }
  await import(pathToFileURL(main).href);
} else if (process.env[LAUNCHED]) {
  // Already re-run once, and still unable: never loop.
  console.error(`updraft: Node ${process.versions.node} at ${process.execPath} cannot run Updraft from ${main}.`);
  process.exit(2);
} else {
  const node = canRun ? process.execPath : bundledNode();
  const env = { ...process.env, [LAUNCHED]: String(process.pid) };
  if (checkout) env.NODE_OPTIONS = [...nodeOptions, CONDITION].join(" ");
  const child = spawn(node, [...(canRun ? process.execArgv : []), self, ...process.argv.slice(2)], {
    stdio: ["inherit", "inherit", "inherit", "ipc"],
    env,
  });
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
  child.on("exit", (code, signal) => (signal ? process.kill(process.pid, signal) : process.exit(code ?? 1)));
}

/** The Node binary of the registry package node-<os>-<arch> that npm installed with @updraft/cli. */
function bundledNode() {
  const require = nodeModule.createRequire(import.meta.url);
  const pkg = `node-${process.platform === "win32" ? "win" : process.platform}-${process.arch}`;
  try {
    return join(dirname(require.resolve(`${pkg}/package.json`)), "bin", process.platform === "win32" ? "node.exe" : "node");
  } catch {
    const need = checkout ? "Node >= 22.18 (it runs TypeScript sources here)" : "Node >= 22.15";
    console.error(`updraft: Node ${process.versions.node} cannot run Updraft; install ${need}, or let npm install ${pkg} (an optional dependency of @updraft/cli; is it disabled by --omit=optional?).`);
    process.exit(2);
  }
}

#!/usr/bin/env node
// Launcher for the `updraft` command. Updraft ships TypeScript sources that Node runs directly
// (type stripping, Node >= 22.18). When the running Node cannot strip types, re-run under the
// Node 24 binary that `npm install` placed in node_modules (packages node-<os>-<arch>).
//
// The re-run child is tied to this launcher by an IPC channel: when the launcher dies, even by
// SIGKILL, the channel closes and the child stops at once as if it had been killed too (a
// scheduler's recovery then takes over its runs), so no orphan keeps a database or a port.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const self = fileURLToPath(import.meta.url);
const main = join(dirname(self), "..", "src", "main.ts");
const LAUNCHED = "UPDRAFT_LAUNCHER_PID";

if (process.features.typescript) {
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
  await import(main);
} else {
  const require = createRequire(import.meta.url);
  const pkg = `node-${process.platform === "win32" ? "win" : process.platform}-${process.arch}`;
  let node;
  try {
    node = join(dirname(require.resolve(`${pkg}/package.json`)), "bin", process.platform === "win32" ? "node.exe" : "node");
  } catch {
    console.error(`updraft: Node ${process.versions.node} cannot run TypeScript; install Node >= 22.18 (or run \`npm install\`, which fetches Node 24 as ${pkg}).`);
    process.exit(2);
  }
  const child = spawn(node, [self, ...process.argv.slice(2)], {
    stdio: ["inherit", "inherit", "inherit", "ipc"],
    env: { ...process.env, [LAUNCHED]: String(process.pid) },
  });
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
  child.on("exit", (code, signal) => (signal ? process.kill(process.pid, signal) : process.exit(code ?? 1)));
}

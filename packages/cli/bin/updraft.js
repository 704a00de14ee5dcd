#!/usr/bin/env node
// Launcher for the `updraft` command. Updraft ships TypeScript sources that Node runs directly
// (type stripping, Node >= 22.18). When the running Node cannot strip types, re-run under the
// Node 24 binary that `npm install` placed in node_modules (packages node-<os>-<arch>).
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const main = join(dirname(fileURLToPath(import.meta.url)), "..", "src", "main.ts");

if (process.features.typescript) {
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
  const child = spawn(node, [main, ...process.argv.slice(2)], { stdio: "inherit" });
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
  child.on("exit", (code, signal) => (signal ? process.kill(process.pid, signal) : process.exit(code ?? 1)));
}

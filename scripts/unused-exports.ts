// Fails when a package's entry point (packages/*/src/index.ts) exports a name that nothing outside
// that package uses: no other package, app, end-to-end suite, script or example DAG. A package's
// surface is what others need of it; the rest stays internal to its modules. The exceptions: the
// authoring API's option and value types, which DAG authors write, and the types that built
// declarations of other packages refer to.
// Run: npm run lint:exports (part of npm test).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** @updraft/sdk types that exist for DAG authors (their own helpers and wrappers), used by no package here. */
const FOR_DAG_AUTHORS = new Set(["Arg", "Output", "DagOptions", "TaskOptions", "SensorOptions", "ShellOptions", "ShortCircuitOptions", "ParamType"]);
/**
 * Types no other package names in its source, but that other packages' built declarations need
 * (an inferred type refers to them); without them `npm run build` fails with TS2742.
 */
const FOR_DECLARATIONS = new Map([["store", new Set(["StoredTaskState"])]]);

const root = new URL("..", import.meta.url);
const tracked = execFileSync("git", ["ls-files", "*.ts", "*.js", "*.mjs"], { cwd: root, encoding: "utf8" }).split("\n").filter(Boolean);
const text = new Map(tracked.map((f) => [f, readFileSync(new URL(f, root), "utf8")]));

/** The names an index.ts exports through `export { … } from` and `export type { … } from`. */
function exportedNames(source: string): string[] {
  const names: string[] = [];
  for (const m of source.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}\s+from/g)) {
    for (const item of m[1]!.split(",")) {
      const name = item.replace(/\btype\s+/, "").split(/\s+as\s+/).pop()!.trim();
      if (name) names.push(name);
    }
  }
  return names;
}

const problems: string[] = [];
for (const index of tracked.filter((f) => /^packages\/[^/]+\/src\/index\.ts$/.test(f))) {
  const pkg = index.split("/")[1]!;
  const outside = [...text].filter(([f]) => !f.startsWith(`packages/${pkg}/`)).map(([, t]) => t);
  for (const name of exportedNames(text.get(index)!)) {
    if ((pkg === "sdk" && FOR_DAG_AUTHORS.has(name)) || FOR_DECLARATIONS.get(pkg)?.has(name)) continue;
    const word = new RegExp(`\\b${name.replace(/[$]/g, "\\$")}\\b`);
    if (!outside.some((t) => word.test(t))) problems.push(`${index}: exports ${name}, which nothing outside @updraft/${pkg} uses`);
  }
}
if (problems.length) {
  console.error(problems.join("\n"));
  console.error(`${problems.length} unused export(s): drop them from the index (the module keeps its own export), or use them`);
  process.exit(1);
}
console.log("every package export is used outside its package");

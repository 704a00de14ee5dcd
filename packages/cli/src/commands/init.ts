// `updraft init`: turns a folder (usually one where `npm install @updraft/cli @updraft/sdk` just
// ran) into a DAG project: package.json scripts, a tsconfig.json that type-checks DAG files
// against @updraft/sdk's declarations, an example DAG and a .gitignore. It never overwrites a
// file that exists (unless --force) and says what it wrote, kept and updated.
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, join, relative, resolve } from "node:path";
import { UsageError } from "../errors.ts";

/** The scripts `init` adds to package.json. */
export const PROJECT_SCRIPTS: Readonly<Record<string, string>> = {
  start: "updraft standalone",
  test: "updraft dags test example",
  typecheck: "tsc --noEmit",
};

/** What `npm run typecheck` needs, added to devDependencies (npm install fetches them). */
export const PROJECT_DEV_DEPENDENCIES: Readonly<Record<string, string>> = {
  typescript: "~5.9.3",
  "@types/node": "^24.0.0",
};

const TSCONFIG = {
  compilerOptions: {
    target: "es2023",
    lib: ["es2023"],
    module: "nodenext",
    moduleResolution: "nodenext",
    strict: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    verbatimModuleSyntax: true,
    erasableSyntaxOnly: true,
    skipLibCheck: true,
    types: ["node"],
  },
  include: ["dags/**/*.ts"],
};

const EXAMPLE_DAG = `// An example DAG: extract some numbers, sum them, and print the sum from a shell command.
// Try it: \`npx updraft dags test example\` runs it once, here, and prints each task's state.
import { dag, task, shell } from "@updraft/sdk";

export default dag(
  {
    id: "example",
    schedule: "@daily",
    startDate: "2026-01-01",
    catchup: false,
    // New DAGs start paused, as in Airflow (UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION): this one says
    // otherwise so that \`npm start\` runs it at once. Drop this line for your own DAGs to start
    // paused, then unpause them in the UI or with \`npx updraft dags unpause <id>\`.
    isPausedUponCreation: false,
    tags: ["example"],
    description: "Extract numbers, add them up, print the total.",
  },
  () => {
    const extract = task("extract", (ctx) => {
      ctx.log.info(\`extracting for \${ctx.ds}\`);
      return [1, 2, 3, 4];
    });
    const total = task("total", (_ctx, numbers: number[]) => numbers.reduce((sum, n) => sum + n, 0));

    const sum = total(extract());
    shell("report", { command: "echo \\"total for {{ ds }}: {{ xcom('total') }}\\"" }).after(sum);
  },
);
`;

const GITIGNORE = `node_modules/
# Updraft's home: the metadata database, logs and bundles of \`updraft standalone\`
.updraft/
`;

/** What `init` did to one file. */
export type InitAction = "wrote" | "overwrote" | "updated" | "kept";

export interface InitFileReport {
  /** The file, relative to the project folder. */
  file: string;
  action: InitAction;
  /** What changed or why it was kept. */
  detail?: string;
}

export interface InitOptions {
  /** Overwrite files that exist (package.json: replace the scripts init adds). */
  force?: boolean;
}

/**
 * Writes the project's files into `dir` (created if missing) and returns what happened to each.
 * @example const report = await initProject(process.cwd(), { force: false });
 */
export async function initProject(dir: string, options: InitOptions = {}): Promise<InitFileReport[]> {
  const force = options.force ?? false;
  await mkdir(join(dir, "dags"), { recursive: true });
  const reports = [await initPackageJson(dir, force)];
  const files: Array<[string, string]> = [
    ["tsconfig.json", `${JSON.stringify(TSCONFIG, null, 2)}\n`],
    [join("dags", "example.ts"), EXAMPLE_DAG],
    [".gitignore", GITIGNORE],
  ];
  for (const [file, text] of files) reports.push(await writeNew(dir, file, text, force));
  return reports;
}

async function writeNew(dir: string, file: string, text: string, force: boolean): Promise<InitFileReport> {
  const path = join(dir, file);
  const exists = existsSync(path);
  if (exists && !force) return { file, action: "kept", detail: "exists; --force overwrites it" };
  await writeFile(path, text);
  return { file, action: exists ? "overwrote" : "wrote" };
}

/** A package.json of the folder's name, or the existing one with the scripts and devDependencies added. */
async function initPackageJson(dir: string, force: boolean): Promise<InitFileReport> {
  const path = join(dir, "package.json");
  let pkg: Record<string, unknown> = {};
  const exists = existsSync(path);
  if (exists) {
    try {
      pkg = JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
    } catch (err) {
      throw new UsageError(`${path}: not valid JSON (${(err as Error).message}); fix it or remove it, then run updraft init again`, { cause: err });
    }
    if (typeof pkg !== "object" || pkg === null || Array.isArray(pkg)) throw new UsageError(`${path}: expected a JSON object`);
  }
  const changes: string[] = [];
  const out: Record<string, unknown> = exists ? { ...pkg } : { name: packageName(dir), version: "0.1.0", private: true };
  if (out.type === undefined) {
    out.type = "module";
    changes.push(`"type": "module"`);
  } else if (out.type !== "module") {
    throw new UsageError(`${path}: "type" is ${JSON.stringify(out.type)}; DAG files are ES modules, so set it to "module" (or remove it) and run updraft init again`);
  }
  const scripts = objectField(pkg, "scripts", path);
  const added = Object.keys(PROJECT_SCRIPTS).filter((name) => force || scripts[name] === undefined);
  out.scripts = { ...scripts, ...Object.fromEntries(added.map((name) => [name, PROJECT_SCRIPTS[name]!])) };
  if (added.length > 0) changes.push(`scripts ${added.join(", ")}`);
  const devDependencies = objectField(pkg, "devDependencies", path);
  const dependencies = objectField(pkg, "dependencies", path);
  const devAdded = Object.keys(PROJECT_DEV_DEPENDENCIES).filter((name) => devDependencies[name] === undefined && dependencies[name] === undefined);
  if (devAdded.length > 0) {
    out.devDependencies = { ...devDependencies, ...Object.fromEntries(devAdded.map((name) => [name, PROJECT_DEV_DEPENDENCIES[name]!])) };
    changes.push(`devDependencies ${devAdded.join(", ")}`);
  }
  if (exists && changes.length === 0) return { file: "package.json", action: "kept", detail: "has the scripts already; --force replaces them" };
  await writeFile(path, `${JSON.stringify(out, null, 2)}\n`);
  return { file: "package.json", action: exists ? "updated" : "wrote", detail: changes.join("; ") };
}

function objectField(pkg: Record<string, unknown>, key: string, path: string): Record<string, string> {
  const value = pkg[key];
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new UsageError(`${path}: "${key}" must be an object, got ${JSON.stringify(value)}`);
  return value as Record<string, string>;
}

/** An npm package name from a folder's name: `My DAGs` becomes `my-dags`. */
export function packageName(dir: string): string {
  const name = basename(resolve(dir)).toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[._-]+|-+$/g, "");
  return name || "dags";
}

/** The lines `updraft init` prints: each file and what happened to it, then what to run next. */
export function initSummary(dir: string, reports: InitFileReport[]): string[] {
  const where = relative(process.cwd(), resolve(dir)) || ".";
  const lines = [`updraft init in ${where === "." ? "this folder" : where}:`];
  for (const r of reports) lines.push(`  ${r.action.padEnd(9)} ${r.file}${r.detail ? `  (${r.detail})` : ""}`);
  const needInstall = reports.some((r) => r.file === "package.json" && r.detail?.includes("devDependencies"));
  const next: Array<[string, string]> = [];
  if (where !== ".") next.push([`cd ${where}`, ""]);
  if (needInstall) next.push(["npm install", "typescript and @types/node, for npm run typecheck"]);
  next.push(
    ["npx updraft dags test example", "run the example DAG once, here"],
    ["npm run typecheck", "type-check dags/ against @updraft/sdk"],
    ["npx updraft standalone", "scheduler, threads and the web UI on http://localhost:8080"],
  );
  lines.push("", "next:", ...next.map(([cmd, why]) => (why ? `  ${cmd.padEnd(31)} # ${why}` : `  ${cmd}`)));
  return lines;
}

/** `updraft init [dir] [--force]`: writes the project and prints the summary. */
export async function initCommand(dir: string, options: InitOptions): Promise<number> {
  const reports = await initProject(dir, options);
  for (const line of initSummary(dir, reports)) console.log(line);
  return 0;
}

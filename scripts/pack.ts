// `npm run pack -- DIR`: builds the published packages and writes an `npm pack` tarball of each
// into DIR (default: dist/packages), ready for `npm install DIR/*.tgz` in a project of one's own.
// The build is tsc's project references from @updraft/cli (JavaScript and .d.ts in each package's
// dist/, incremental) and the UI's browser modules (packages/ui/dist/ui/).
import { execFile } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const REPO = join(import.meta.dirname, "..");

/** The packages a project installs, directly or through @updraft/cli, in dependency order. */
export const PUBLISHED_PACKAGES = ["sdk", "store", "worker", "executor", "scheduler", "ui", "api", "cli"] as const;

/** Builds every published package into its dist/; `log` hears each step. */
export async function buildPackages(log: (line: string) => void = () => {}): Promise<void> {
  // The two builds share nothing (tsc -b builds the UI's declarations, not its modules): at once.
  log("building the UI's browser modules (packages/ui/dist/ui) and, with tsc -b packages/cli/tsconfig.build.json, every package's JavaScript and declarations");
  const tsc = createRequire(join(REPO, "package.json")).resolve("typescript/bin/tsc");
  const ui = run(process.execPath, [join(REPO, "packages", "ui", "scripts", "build.ts")], { cwd: REPO, maxBuffer: 16 << 20 });
  const types = run(process.execPath, [tsc, "-b", join(REPO, "packages", "cli", "tsconfig.build.json")], { cwd: REPO, maxBuffer: 16 << 20 }).catch((err: unknown) => {
    const e = err as Error & { stdout?: string };
    throw new Error(`tsc -b packages/cli/tsconfig.build.json failed:\n${e.stdout ?? e.message}`, { cause: err });
  });
  const [a, b] = await Promise.allSettled([ui, types]);
  for (const r of [a, b]) if (r.status === "rejected") throw r.reason;
}

/**
 * Packs every published package (built beforehand) into `dir` and returns the tarballs' paths.
 * @example await buildPackages(); const tarballs = await packPackages("/tmp/packs");
 */
export async function packPackages(dir: string, npm = "npm"): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const workspaces = PUBLISHED_PACKAGES.flatMap((p) => ["--workspace", `@updraft/${p}`]);
  const { stdout } = await run(npm, ["pack", ...workspaces, "--pack-destination", dir, "--json", "--silent"], { cwd: REPO, maxBuffer: 16 << 20 });
  const packed = JSON.parse(stdout) as { filename: string }[];
  return packed.map((p) => join(dir, p.filename));
}

if (process.argv[1] === import.meta.filename) {
  const dir = resolve(process.argv[2] ?? join(REPO, "dist", "packages"));
  await buildPackages((line) => console.log(line));
  for (const file of await packPackages(dir)) console.log(`packed ${file}`);
}

// Finds DAG files: TypeScript/JavaScript files under the DAGs folder that mention both
// "@updraft/sdk" and "dag" (Airflow's "safe mode" heuristic), so helper modules are not loaded.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

const SOURCE = /\.(ts|mts|js|mjs)$/;
const IGNORED_DIRS = new Set(["node_modules", ".git", ".updraft"]);

export async function discoverDagFiles(folder: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT" && dir === folder) return;
      throw err;
    }
    for (const e of entries) {
      if (e.name.startsWith(".") || e.name.startsWith("_")) continue;
      const path = join(dir, e.name);
      if (e.isDirectory()) {
        if (!IGNORED_DIRS.has(e.name)) await walk(path);
      } else if (SOURCE.test(e.name) && !/\.(test|spec|d)\.[mc]?[jt]s$/.test(e.name)) {
        const text = await readFile(path, "utf8");
        if (text.includes("@updraft/sdk") && /\bdag\b/i.test(text)) files.push(path);
      }
    }
  };
  await walk(folder);
  return files.sort();
}

// The UI's modules as published: `npm run build` writes them to dist/ui/ (scripts/build.ts), and
// an installed @updraft/ui serves those files instead of building them with esbuild at run time.
// `@updraft/ui/assets` resolves here once built, and to assets.ts in a checkout (sources).
import { readdir, readFile } from "node:fs/promises";
import { extname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { UiAssets } from "./assets.ts";

export type { UiAsset, UiAssets } from "./assets.ts";

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".html": "text/html; charset=utf-8",
};

/** Where the built modules are, beside this file once compiled (dist/built-assets.js → dist/ui/). */
export const BUILT_UI_DIR = fileURLToPath(new URL("./ui/", import.meta.url));

/**
 * Reads the built modules of `dir` and returns them by path under `/ui/`, as `buildUiAssets` of
 * assets.ts does from the sources.
 * @example const assets = await loadBuiltUiAssets(); assets.get("updraft.js")?.body
 */
export async function loadBuiltUiAssets(dir: string = BUILT_UI_DIR): Promise<UiAssets> {
  let names: string[];
  try {
    names = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  } catch (err) {
    throw new Error(`@updraft/ui: the built UI is missing at ${dir} (this package was published without running its build)`, { cause: err });
  }
  const assets: UiAssets = new Map();
  for (const file of names.sort()) {
    const path = relative(dir, file).split("\\").join("/");
    assets.set(path, { body: new Uint8Array(await readFile(file)), type: TYPES[extname(path)] ?? "application/octet-stream", immutable: path.startsWith("chunks/") });
  }
  if (!assets.has("updraft.js")) throw new Error(`@updraft/ui: ${dir} holds no updraft.js (run the package's build)`);
  return assets;
}

/** The published UI's modules; the same name and result as assets.ts's builder, for the API. */
export function buildUiAssets(): Promise<UiAssets> {
  return loadBuiltUiAssets();
}

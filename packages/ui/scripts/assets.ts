// Builds the UI's browser modules with esbuild, in memory: `updraft.js` (the autoloader that
// defines each element when its tag appears), `elements/<name>.js` (one element each) and the shared
// and lazily loaded chunks they import. The API serves the result under `/ui/`; `npm run build`
// in this package writes the same files to `dist/`.
import { readdirSync, existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

/** One built file: its bytes and content type. */
export interface UiAsset {
  body: Uint8Array;
  type: string;
  /** Content-hashed names never change, so they may be cached forever. */
  immutable: boolean;
}

/** Built files by path under `/ui/` (e.g. `updraft.js`, `elements/grid.js`, `chunks/x-1A2B.js`). */
export type UiAssets = Map<string, UiAsset>;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const SRC = join(ROOT, "src");

/** The entry points: the whole set, the app, and one per element folder. */
export function entryPoints(): Record<string, string> {
  const entries: Record<string, string> = { updraft: join(SRC, "updraft.ts") };
  const elements = join(SRC, "elements");
  for (const name of existsSync(elements) ? readdirSync(elements) : []) {
    const file = join(elements, name, `${name}.ts`);
    if (existsSync(file)) entries[`elements/${name}`] = file;
  }
  return entries;
}

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".html": "text/html; charset=utf-8",
};

/**
 * Builds every module and returns them by path.
 * @example const assets = await buildUiAssets(); assets.get("updraft.js")?.body
 */
export async function buildUiAssets(options: { minify?: boolean; sourcemap?: boolean } = {}): Promise<UiAssets> {
  const outdir = join(ROOT, "dist");
  const result = await esbuild.build({
    entryPoints: entryPoints(),
    bundle: true,
    splitting: true,
    format: "esm",
    target: "es2022",
    platform: "browser",
    minify: options.minify ?? true,
    sourcemap: options.sourcemap ? "linked" : false,
    legalComments: "none",
    chunkNames: "chunks/[name]-[hash]",
    outdir,
    write: false,
    tsconfig: join(ROOT, "tsconfig.json"),
    logLevel: "silent",
  });
  const assets: UiAssets = new Map();
  for (const file of result.outputFiles) {
    const path = relative(outdir, file.path).split("\\").join("/");
    const ext = path.slice(path.lastIndexOf("."));
    assets.set(path, { body: file.contents, type: TYPES[ext] ?? "application/octet-stream", immutable: path.startsWith("chunks/") });
  }
  return assets;
}

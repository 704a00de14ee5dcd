// Builds the UI's browser modules with esbuild, in memory: `updraft.js` (the autoloader that
// defines each element when its tag appears), `elements/<name>.js` (one element each) and the shared
// and lazily loaded chunks they import. The API serves the result under `/ui/`; `npm run build`
// in this package writes the same files to `dist/ui/`.
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
  writePreloads(assets);
  return assets;
}

/** The marker in `updraft.ts` that the build replaces with the preload manifest. */
export const PRELOADS_MARKER = "updraft:preloads";

/**
 * Puts each element's static chunks into the autoloader (`updraft.js`), so that a page fetches an
 * element's module and all it imports at once instead of one import level after the other.
 */
function writePreloads(assets: UiAssets): void {
  const loader = assets.get("updraft.js");
  if (!loader) return;
  const manifest: Record<string, string[]> = {};
  for (const path of assets.keys()) {
    const name = /^elements\/([\w-]+)\.js$/.exec(path)?.[1];
    if (name) manifest[name] = [...staticClosure(assets, path)].filter((p) => p !== path).sort();
  }
  const text = new TextDecoder().decode(loader.body);
  const marker = JSON.stringify(PRELOADS_MARKER);
  if (!text.includes(marker)) throw new Error(`updraft.js: the preload marker ${marker} is missing (was it renamed in updraft.ts?)`);
  loader.body = new TextEncoder().encode(text.replace(marker, JSON.stringify(JSON.stringify(manifest))));
}

/** The files a module imports statically, transitively (dynamic `import()`s are lazy and left out). */
export function staticClosure(assets: UiAssets, path: string, seen = new Set<string>()): Set<string> {
  if (seen.has(path) || !assets.has(path)) return seen;
  seen.add(path);
  const text = new TextDecoder().decode(assets.get(path)!.body);
  const from = new URL(path, "file:///ui/");
  for (const m of text.matchAll(/\b(?:import|export)\s*(?:[\w$*{},\s]*?\bfrom\s*)?"(\.{1,2}\/[^"]+)"/g)) {
    staticClosure(assets, new URL(m[1]!, from).pathname.slice("/ui/".length), seen);
  }
  return seen;
}

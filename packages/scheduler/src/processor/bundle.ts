// Builds a DAG file's bundle with esbuild: the file with its imports in one ES module, with
// `@updraft/*` left external (the runtime provides it), keyed by the hash of its content.
import { createHash } from "node:crypto";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { DagImportError } from "../errors.ts";

export interface DagBundle {
  hash: string;
  code: string;
  /** Files that went into the bundle, relative to the working directory. */
  inputs: string[];
}

// Bundled CommonJS dependencies may call require(); give the ES module one.
const BANNER = 'import { createRequire as __updraftCreateRequire } from "node:module"; const require = __updraftCreateRequire(import.meta.url);';

/** Bundles `file`; errors name it as `displayName` (the path users know it by). */
export async function bundleDagFile(file: string, displayName = file): Promise<DagBundle> {
  let result;
  try {
    result = await build({
      entryPoints: [file],
      bundle: true,
      write: false,
      format: "esm",
      platform: "node",
      target: "node22",
      external: ["@updraft/*"],
      metafile: true,
      sourcemap: "inline",
      sourcesContent: false,
      // Stack traces then name the DAG file where it was parsed, wherever the bundle is loaded.
      sourceRoot: `${pathToFileURL(process.cwd()).href}/`,
      logLevel: "silent",
      banner: { js: BANNER },
    });
  } catch (err) {
    const errors = (err as { errors?: Array<{ text: string; location?: { file: string; line: number; column: number } | null }> }).errors;
    const detail = errors?.length
      ? errors.map((e) => (e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ${e.text}` : e.text)).join("\n")
      : String(err);
    throw new DagImportError(displayName, `does not build: ${detail}`);
  }
  const code = result.outputFiles[0]!.text;
  return {
    hash: createHash("sha256").update(code).digest("hex"),
    code,
    inputs: Object.keys(result.metafile.inputs),
  };
}

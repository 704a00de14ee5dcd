// Loads a DAG bundle (a DAG file with its imports, built by esbuild with `@updraft/*` left
// external) and finds the DAGs it exports. Bundles may live anywhere (the scheduler's home, a
// worker's cache), so `@updraft/*` imports are resolved from this runtime's own installation.
import { registerHooks } from "node:module";
import { pathToFileURL } from "node:url";
import { isDag, type Dag } from "@updraft/sdk";
import { BundleLoadError } from "./errors.ts";

let hooksInstalled = false;

/** Makes `import "@updraft/sdk"` inside any bundle resolve to the runtime's own packages. */
export function installUpdraftResolver(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // Bundles carry inline source maps: stack traces then name the DAG file and line.
  process.setSourceMapsEnabled(true);
  registerHooks({
    resolve(specifier, context, nextResolve) {
      if (specifier.startsWith("@updraft/")) return nextResolve(specifier, { ...context, parentURL: import.meta.url });
      return nextResolve(specifier, context);
    },
  });
}

/** Every DAG a module exports, by id (default export and named exports). */
export function collectDags(namespace: Record<string, unknown>, file: string): Map<string, Dag> {
  const dags = new Map<string, Dag>();
  for (const value of Object.values(namespace)) {
    if (!isDag(value)) continue;
    const existing = dags.get(value.id);
    if (existing && existing !== value) throw new BundleLoadError(`${file}: two DAGs share the id "${value.id}"`);
    dags.set(value.id, value);
  }
  return dags;
}

const cache = new Map<string, Promise<Map<string, Dag>>>();

/** Imports a bundle once per content hash and returns its DAGs by id. */
export function loadBundle(hash: string, path: string): Promise<Map<string, Dag>> {
  let loaded = cache.get(hash);
  if (!loaded) {
    installUpdraftResolver();
    loaded = import(`${pathToFileURL(path).href}?h=${hash}`).then((ns: Record<string, unknown>) => collectDags(ns, path));
    cache.set(hash, loaded);
    loaded.catch(() => cache.delete(hash));
  }
  return loaded;
}

/** The DAG `dagId` of a bundle, or an error naming the bundle and the DAG. */
export async function loadDag(hash: string, path: string, dagId: string): Promise<Dag> {
  const dags = await loadBundle(hash, path);
  const dag = dags.get(dagId);
  if (!dag) throw new BundleLoadError(`bundle ${hash.slice(0, 12)} (${path}) does not define dag "${dagId}"`);
  return dag;
}

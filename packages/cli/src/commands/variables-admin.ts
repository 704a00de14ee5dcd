// `updraft variables get | set | list | delete | import | export`, against the database or, with
// `--server URL --token T`, through the REST API (pages of 100 followed to the end). Files are
// Airflow's JSON, {"key": value}: a value that is JSON (a number, an object…) is written as JSON,
// any other as a string, so `export f.json` then `import f.json` gives every value back exactly.
import { eq } from "drizzle-orm";
import { deleteVariable, getVariable, listVariables, recordEvent, setVariable, variable, type Store } from "@updraft/store";
import type { Config } from "../config.ts";
import { DuplicateError, NotFoundError, UsageError } from "../errors.ts";
import { openConfiguredStore } from "../runtime.ts";
import { allPages } from "./api-pages.ts";
import { printData, printTable } from "./output.ts";
import { ApiClient, RemoteError } from "./remote.ts";
import { parseJsonFile, readText, writeText } from "./text-files.ts";

interface Entry {
  key: string;
  value: string;
  description: string | null;
}

/** The variables of the database, or of a server's API. */
interface Backend {
  get(key: string): Promise<Entry | null>;
  set(key: string, value: string, description?: string | null): Promise<void>;
  delete(key: string): Promise<boolean>;
  /** With values (from a server: only for a token that may edit variables). */
  list(): Promise<Entry[]>;
  keys(): Promise<Set<string>>;
  close(): Promise<void>;
}

function storeBackend(store: Store): Backend {
  return {
    async get(key) {
      const value = await getVariable(store, key);
      if (value === null) return null;
      const [row] = await store.db.select({ description: variable.description }).from(variable).where(eq(variable.key, key));
      return { key, value, description: row?.description ?? null };
    },
    async set(key, value, description) {
      await setVariable(store, key, value, description === undefined ? {} : { description });
      await recordEvent(store, { event: "variable.set", owner: "cli", extra: { key } });
    },
    async delete(key) {
      const deleted = await deleteVariable(store, key);
      if (deleted) await recordEvent(store, { event: "variable.delete", owner: "cli", extra: { key } });
      return deleted;
    },
    list: async () => (await listVariables(store)).map((v) => ({ key: v.key, value: v.value, description: v.description })),
    keys: async () => new Set((await store.db.select({ key: variable.key }).from(variable)).map((v) => v.key)),
    close: () => store.close(),
  };
}

const enc = encodeURIComponent;

function apiBackend(client: ApiClient): Backend {
  return {
    async get(key) {
      try {
        return await client.request<Entry>("GET", `/api/v1/variables/${enc(key)}`);
      } catch (err) {
        if (err instanceof RemoteError && err.status === 404) return null;
        throw err;
      }
    },
    async set(key, value, description) {
      // POST replaces an existing key (Airflow's Variable.set); a description not given is kept.
      const body: Record<string, unknown> = { key, value };
      if (description !== undefined) body.description = description;
      else {
        const current = await this.get(key);
        if (current) body.description = current.description;
      }
      await client.request("POST", "/api/v1/variables", body);
    },
    async delete(key) {
      try {
        await client.request("DELETE", `/api/v1/variables/${enc(key)}`);
        return true;
      } catch (err) {
        if (err instanceof RemoteError && err.status === 404) return false;
        throw err;
      }
    },
    async list() {
      const all = await allPages<{ key: string; value?: string; description: string | null }>(client, "/api/v1/variables?order_by=key", "variables");
      if (all.some((v) => v.value === undefined)) throw new UsageError("the server lists variables without their values for this token: values need a token with the edit scope");
      return all as Entry[];
    },
    keys: async () => new Set((await allPages<{ key: string }>(client, "/api/v1/variables?order_by=key", "variables")).map((v) => v.key)),
    close: async () => undefined,
  };
}

async function withBackend<T>(config: Config, fn: (b: Backend, where: string) => Promise<T>): Promise<T> {
  const backend = config.server ? apiBackend(new ApiClient(config)) : storeBackend(await openConfiguredStore(config));
  try {
    return await fn(backend, config.server ? `server ${config.server}` : "the database");
  } finally {
    await backend.close();
  }
}

/** `variables get KEY`: the value alone (with -o json/yaml, key, value and description). */
export function variablesGet(config: Config, key: string, output?: string): Promise<number> {
  return withBackend(config, async (b) => {
    const v = await b.get(key);
    if (!v) throw new NotFoundError(`variable "${key}"`);
    printData(v, output, () => console.log(v.value));
    return 0;
  });
}

/** `variables set KEY VALUE [--description D]`: creates or replaces. */
export function variablesSet(config: Config, key: string, value: string, description?: string): Promise<number> {
  return withBackend(config, async (b) => {
    await b.set(key, value, description);
    return 0;
  });
}

/** `variables delete KEY`; an unknown key exits 1. */
export function variablesDelete(config: Config, key: string): Promise<number> {
  return withBackend(config, async (b) => {
    if (!(await b.delete(key))) throw new NotFoundError(`variable "${key}"`);
    return 0;
  });
}

/** `variables list`: keys and descriptions (never values). */
export function variablesList(config: Config, output?: string): Promise<number> {
  return withBackend(config, async (b) => {
    const entries = config.server
      ? await allPages<{ key: string; description: string | null }>(new ApiClient(config), "/api/v1/variables?order_by=key", "variables")
      : await b.list();
    printTable(entries.map((v) => ({ key: v.key, description: v.description })), output, ["key", "description"]);
    return 0;
  });
}

/**
 * The value a variable has in Airflow's export file: JSON when the stored text is exactly the JSON
 * of a non-string value (so importing writes the same text back), the text itself otherwise.
 * @example exportValue('{"a":1}') // { a: 1 };  exportValue('{"a": 1}') // '{"a": 1}'
 */
export function exportValue(text: string): unknown {
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed !== "string" && JSON.stringify(parsed) === text ? parsed : text;
  } catch {
    return text;
  }
}

/** The stored text of a value read from an import file: a string as it is, anything else as JSON. */
export function importValue(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** `variables export FILE`: Airflow's {"key": value} JSON (`-` for standard output). */
export function variablesExport(config: Config, file: string): Promise<number> {
  return withBackend(config, async (b, where) => {
    const entries = await b.list();
    const doc: Record<string, unknown> = {};
    for (const v of entries) doc[v.key] = exportValue(v.value);
    await writeText(file, `${JSON.stringify(doc, null, 2)}\n`);
    console.error(`${entries.length} variable(s) exported from ${where} to ${file === "-" ? "standard output" : file}`);
    return 0;
  });
}

/** What `variables import` does with a key that exists (Airflow's --action-on-existing-key). */
export type OnExisting = "overwrite" | "skip" | "fail";

/** `variables import FILE [--action-on-existing-key overwrite|skip|fail]` (default overwrite, as Airflow). */
export async function variablesImport(config: Config, file: string, onExisting: string = "overwrite"): Promise<number> {
  if (onExisting !== "overwrite" && onExisting !== "skip" && onExisting !== "fail") {
    throw new UsageError(`--action-on-existing-key: expected overwrite, skip or fail, got "${onExisting}"`);
  }
  const doc = parseJsonFile(await readText(file), file);
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new UsageError(`"${file}": expected a JSON object of variables, like {"region": "eu", "limits": {"rows": 10}}`);
  const entries = Object.entries(doc as Record<string, unknown>);
  for (const [key] of entries) if (key === "") throw new UsageError(`"${file}": a variable has an empty key`);
  return withBackend(config, async (b, where) => {
    const existing = onExisting === "overwrite" ? new Set<string>() : await b.keys();
    const taken = entries.filter(([k]) => existing.has(k)).map(([k]) => k);
    if (onExisting === "fail" && taken.length > 0) {
      throw new DuplicateError(`variable${taken.length > 1 ? "s" : ""} ${taken.slice(0, 5).map((k) => `"${k}"`).join(", ")}${taken.length > 5 ? ` and ${taken.length - 5} more` : ""}`);
    }
    let written = 0;
    for (const [key, value] of entries) {
      if (existing.has(key)) continue;
      await b.set(key, importValue(value));
      written++;
    }
    const skipped = taken.length;
    console.log(`${written} of ${entries.length} variable(s) imported from ${file} into ${where}${skipped > 0 ? `; ${skipped} existing skipped` : ""}`);
    return 0;
  });
}

// Where settings come from, before any command runs: the environment first, then `.env` in the
// working folder, then a settings file (`updraft.config.json`, `.yaml` or `.yml` in the working
// folder, or the file UPDRAFT_CONFIG names), then the defaults. `.env` and the file hold the same
// keys as the environment; what they set is copied into process.env where the environment has
// nothing, so every reader (config.ts, the API, the scheduler, tasks) sees one set of values.
// Every Updraft setting is then checked against the catalog (@updraft/store/settings): a bad
// value or an unknown key stops the command with one line naming the setting and the file.
// `updraft config list` shows each setting's origin.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseEnv } from "node:util";
import { CONNECTION_PREFIX, settingProblem, settingSpec, similarSettings } from "@updraft/store/settings";
import { UsageError } from "./errors.ts";

/** Where a setting's value came from: `environment`, `.env`, the settings file's path, or `default`. */
export type SettingOrigin = string;

/** The settings files looked for in the working folder, in this order, when UPDRAFT_CONFIG is unset. */
export const CONFIG_FILES = ["updraft.config.json", "updraft.config.yaml", "updraft.config.yml"] as const;

/** What loadSettingSources found: each variable it saw and where from, and the files it read. */
export interface SettingSources {
  origins: Map<string, SettingOrigin>;
  files: string[];
}

let loaded: SettingSources | undefined;

/**
 * The origins recorded by the last loadSettingSources in this process; without one, every set
 * variable counts as from the environment.
 */
export function settingOrigin(name: string, env: NodeJS.ProcessEnv = process.env): SettingOrigin {
  return loaded?.origins.get(name) ?? (env[name] !== undefined ? "environment" : "default");
}

/** The files the last loadSettingSources read (`.env`, the settings file). */
export function settingFiles(): string[] {
  return loaded?.files ?? [];
}

function unknownKey(file: string, key: string): UsageError {
  const near = similarSettings(key);
  return new UsageError(`${file}: ${key} is not an Updraft setting${near.length ? ` (did you mean ${near[0]}?)` : ""}; \`updraft config list\` lists them`);
}

/** Whether a key names one of Updraft's settings (a connection counts). */
function known(key: string): boolean {
  return settingSpec(key) !== undefined && key !== "UPDRAFT_CONN_<ID>";
}

/** A value of the settings file as the environment would hold it. */
function asEnvValue(file: string, key: string, value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value.join(",");
  // A connection may be written as Airflow's JSON form.
  if (key.startsWith(CONNECTION_PREFIX) && value !== null && typeof value === "object") return JSON.stringify(value);
  throw new UsageError(`${file}: ${key}: expected a string, number or boolean, got ${value === null ? "null" : typeof value}`);
}

/** Reads the settings file: an object whose keys are settings. */
async function readSettingsFile(path: string, shown: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new UsageError(`${shown}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let data: unknown;
  try {
    data = path.endsWith(".json") ? JSON.parse(text) : (await import("yaml")).parse(text);
  } catch (err) {
    throw new UsageError(`${shown}: not valid ${path.endsWith(".json") ? "JSON" : "YAML"} (${(err as Error).message.split("\n")[0]})`);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== "object" || Array.isArray(data)) throw new UsageError(`${shown}: expected a map of settings (UPDRAFT_PORT: 8080, …)`);
  return data as Record<string, unknown>;
}

/**
 * Loads `.env` and the settings file of `cwd` into `env` (never over a variable already set), then
 * checks every Updraft setting in `env`. Throws a UsageError naming the file and key on an
 * unknown key, a bad value, or a file that does not parse.
 * @example await loadSettingSources(); // before the command line is parsed
 */
export async function loadSettingSources(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): Promise<SettingSources> {
  const origins = new Map<string, SettingOrigin>();
  const files: string[] = [];
  for (const key of Object.keys(env)) origins.set(key, "environment");

  const dotEnv = join(cwd, ".env");
  if (existsSync(dotEnv)) {
    let parsed: Record<string, string>;
    try {
      parsed = parseEnv(readFileSync(dotEnv, "utf8")) as Record<string, string>;
    } catch (err) {
      throw new UsageError(`.env: cannot read it (${(err as Error).message})`);
    }
    files.push(".env");
    for (const [key, value] of Object.entries(parsed)) {
      // Other variables are the user's (credentials for tasks, say); only UPDRAFT_ keys must be known.
      if (key.startsWith("UPDRAFT_") && !known(key)) throw unknownKey(".env", key);
      if (env[key] !== undefined) continue;
      env[key] = value;
      origins.set(key, ".env");
    }
  }

  const named = env.UPDRAFT_CONFIG;
  const path = named ? resolve(cwd, named) : CONFIG_FILES.map((f) => join(cwd, f)).find((f) => existsSync(f));
  if (path) {
    const shown = named ?? path.slice(cwd.length + 1);
    if (named && !/\.(json|ya?ml)$/.test(path)) throw new UsageError(`UPDRAFT_CONFIG: "${named}" is not a .json, .yaml or .yml file`);
    files.push(shown);
    for (const [key, value] of Object.entries(await readSettingsFile(path, shown))) {
      if (!known(key)) throw unknownKey(shown, key);
      if (key === "UPDRAFT_CONFIG") throw new UsageError(`${shown}: UPDRAFT_CONFIG can only be set in the environment`);
      if (value === null || env[key] !== undefined) continue;
      env[key] = asEnvValue(shown, key, value);
      origins.set(key, shown);
    }
  }

  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    const problem = settingProblem(key, value);
    if (!problem) continue;
    const origin = origins.get(key);
    throw new UsageError(origin && origin !== "environment" ? `${origin}: ${problem}` : problem);
  }
  loaded = { origins, files };
  return loaded;
}

// Updraft's settings as Airflow's configuration sections (GET /api/v1/config): each setting under
// the section and option Airflow names its counterpart, with the value in effect (the environment
// or, when unset, the default the setting documents). Secrets are never shown: an option that
// holds one reads `< hidden >`, as Airflow shows sensitive values.
import { join, resolve } from "node:path";
import { HIDDEN, SETTINGS } from "@updraft/store/settings";

export { HIDDEN };

/** The default of a setting whose default depends on the home or the working folder. */
function computedDefault(name: string, env: NodeJS.ProcessEnv, home: string): string | undefined {
  if (name === "UPDRAFT_HOME") return home;
  if (name === "UPDRAFT_DAGS_FOLDER") return resolve("dags");
  if (name === "UPDRAFT_DB_URL") return `file:${join(env.UPDRAFT_HOME ?? home, "updraft.db")}`;
  return undefined;
}

/** Sections in Airflow's order of first appearance, each with its options' effective values. */
export type Sections = Record<string, Record<string, string>>;

/**
 * The settings in effect, by Airflow section, with secrets hidden; with `nonSensitiveOnly`,
 * options that hold secrets are left out altogether (Airflow's `non-sensitive-only`).
 * @example effectiveSettings(process.env, ".updraft").core.executor // "threads"
 */
export function effectiveSettings(env: NodeJS.ProcessEnv, home: string, nonSensitiveOnly = false): Sections {
  const out: Sections = {};
  for (const s of SETTINGS) {
    if (!s.airflow || (s.secret && nonSensitiveOnly)) continue;
    const value = env[s.name] ?? computedDefault(s.name, env, home) ?? s.default;
    for (const [section, option] of s.airflow) (out[section] ??= {})[option] = s.secret ? HIDDEN : value;
  }
  return out;
}

/** Reads UPDRAFT_EXPOSE_CONFIG as Airflow reads `[webserver] expose_config`: true, non-sensitive-only, or off. */
export function exposeConfigFromEnv(env: NodeJS.ProcessEnv = process.env): boolean | "non-sensitive-only" {
  const v = (env.UPDRAFT_EXPOSE_CONFIG ?? "").trim().toLowerCase();
  if (v === "non-sensitive-only") return "non-sensitive-only";
  return v === "true" || v === "1" || v === "yes";
}

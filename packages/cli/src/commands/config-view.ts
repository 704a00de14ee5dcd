// The settings in effect, as `updraft config list` and `config get-value` print them: each with
// its value (a secret that is set reads `< hidden >`) and where it came from. Paths and the
// database URL are shown resolved, as the command would use them.
import { HIDDEN, SETTINGS, CONNECTION_PREFIX, settingSpec, similarSettings, type SettingSpec } from "@updraft/store/settings";
import type { Config } from "../config.ts";
import { NotFoundError } from "../errors.ts";
import { settingFiles, settingOrigin } from "../settings-sources.ts";
import { printTable } from "./output.ts";

export interface SettingRow {
  setting: string;
  value: string;
  source: string;
}

/** `--db-url` → `dbUrl`, the key commander gives the option. */
const optionKey = (flag: string) => flag.replace(/^--/, "").replace(/-(\w)/g, (_m, c: string) => c.toUpperCase());

/** The value a command uses when a setting is not set, resolved where the configuration resolves it. */
function effectiveDefault(spec: SettingSpec, config: Config): string {
  switch (spec.name) {
    case "UPDRAFT_HOME": return config.home;
    case "UPDRAFT_DB_URL": return config.dbUrl;
    case "UPDRAFT_DAGS_FOLDER": return config.dagsFolder;
    case "UPDRAFT_WORKER_HEARTBEAT": return `${config.workerHeartbeatMs}ms`;
    default: return spec.default;
  }
}

function row(spec: SettingSpec, name: string, config: Config, opts: Record<string, unknown>, env: NodeJS.ProcessEnv): SettingRow {
  const flagValue = spec.flag ? opts[optionKey(spec.flag)] : undefined;
  if (typeof flagValue === "string") return { setting: name, value: spec.secret ? HIDDEN : flagValue, source: `flag ${spec.flag}` };
  const origin = settingOrigin(name, env);
  const set = env[name];
  // The settings file found in the working folder, when UPDRAFT_CONFIG does not name one.
  const found = name === "UPDRAFT_CONFIG" && set === undefined ? settingFiles().find((f) => f !== ".env") : undefined;
  if (found) return { setting: name, value: found, source: "found in the working folder" };
  if (set === undefined) return { setting: name, value: effectiveDefault(spec, config), source: "default" };
  return { setting: name, value: spec.secret && set !== "" ? HIDDEN : set, source: origin };
}

/**
 * Every setting in effect, in the catalog's order, with the connections set in the environment.
 * @example effectiveSettingRows(config, {}, process.env)[0] // { setting: "UPDRAFT_HOME", value: "/srv/.updraft", source: "default" }
 */
export function effectiveSettingRows(config: Config, opts: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): SettingRow[] {
  const rows: SettingRow[] = [];
  for (const spec of SETTINGS) {
    if (spec.name === "UPDRAFT_CONN_<ID>") {
      for (const name of Object.keys(env).filter((k) => k.startsWith(CONNECTION_PREFIX) && k.length > CONNECTION_PREFIX.length).sort()) {
        rows.push(row(spec, name, config, opts, env));
      }
      continue;
    }
    rows.push(row(spec, spec.name, config, opts, env));
  }
  return rows;
}

/** `updraft config list`. */
export function configList(config: Config, opts: Record<string, unknown>, output: string): number {
  printTable(effectiveSettingRows(config, opts) as unknown as Array<Record<string, unknown>>, output, ["setting", "value", "source"]);
  return 0;
}

/** The setting a `get-value` names: `UPDRAFT_PORT` (any case), or Airflow's `webserver web_server_port`. */
function findSetting(first: string, option: string | undefined): string {
  if (option === undefined) {
    const name = first.toUpperCase();
    if (settingSpec(name) && name !== "UPDRAFT_CONN_<ID>") return name;
    const near = similarSettings(name);
    throw new NotFoundError(`setting "${first}"`, near.length ? `did you mean ${near[0]}?` : "`updraft config list` lists them");
  }
  const spec = SETTINGS.find((s) => s.airflow?.some(([sec, opt]) => sec === first.toLowerCase() && opt === option.toLowerCase()));
  if (!spec) throw new NotFoundError(`option [${first}] ${option}`, "`updraft config list` lists the settings; GET /api/v1/config shows them by Airflow's sections");
  return spec.name;
}

/** `updraft config get-value`: prints the value alone (a secret that is set reads `< hidden >`). */
export function configGetValue(config: Config, opts: Record<string, unknown>, first: string, option: string | undefined): number {
  const name = findSetting(first, option);
  const found = row(settingSpec(name)!, name, config, opts, process.env);
  process.stdout.write(`${found.value}\n`);
  return 0;
}

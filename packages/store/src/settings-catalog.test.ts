// The settings catalog: every UPDRAFT_* variable the code reads is in it, the README's table is
// generated from it, and each kind of value is checked with a message naming the setting.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { settingProblem, settingSpec, similarSettings, booleanSetting, SETTINGS } from "./settings-catalog.ts";
import { settingsTable, TABLE_END, TABLE_START } from "./settings-table.ts";

const root = new URL("../../../", import.meta.url).pathname;

/** Names in the sources that look like settings but are not: a prefix, a list's name, a marker. */
const NOT_SETTINGS = new Set(["UPDRAFT_CONN_", "UPDRAFT_SECRET_ENV", "UPDRAFT_LEASE_LOST"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "node_modules" || name === "dist" ? [] : sourceFiles(path);
    return /\.ts$/.test(name) && !/\.(test|fixture)\.ts$/.test(name) && !name.endsWith("-fixture.ts") ? [path] : [];
  });
}

describe("the settings catalog", () => {
  it("has every UPDRAFT_ variable the packages and apps read", () => {
    const used = new Map<string, string>();
    for (const top of ["packages", "apps"]) {
      for (const pkg of readdirSync(join(root, top))) {
        const src = join(root, top, pkg, "src");
        try {
          statSync(src);
        } catch {
          continue;
        }
        for (const file of sourceFiles(src).filter((f) => !f.endsWith("settings-catalog.ts"))) {
          for (const [name] of readFileSync(file, "utf8").matchAll(/\bUPDRAFT_[A-Z0-9_]*[A-Z0-9]\b|\bUPDRAFT_CONN_/g)) {
            if (!used.has(name)) used.set(name, file.slice(root.length));
          }
        }
      }
    }
    const missing = [...used].filter(([name]) => !NOT_SETTINGS.has(name) && !name.startsWith("UPDRAFT_CONN_") && !settingSpec(name));
    expect(missing, "read in the code but not in settings-catalog.ts (name, first file)").toEqual([]);
    expect(used.size).toBeGreaterThan(30);
  });

  it("is the README's table, exactly (npm run docs:settings rewrites it)", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const start = readme.indexOf(TABLE_START);
    const end = readme.indexOf(TABLE_END);
    expect(start, "README.md has the settings table markers").toBeGreaterThan(0);
    expect(readme.slice(start + TABLE_START.length, end).trim()).toBe(settingsTable());
    for (const s of SETTINGS) expect(settingsTable()).toContain(`\`${s.name}\``);
  });

  it.each([
    ["UPDRAFT_PARSE_TIMEOUT", "30", 'UPDRAFT_PARSE_TIMEOUT: "30" has no unit; write e.g. "30s" or "30ms"'],
    ["UPDRAFT_WORKER_TIMEOUT", "2 minutes", 'UPDRAFT_WORKER_TIMEOUT: expected a duration such as "500ms", "30s", "5m" or "1h", got "2 minutes"'],
    ["UPDRAFT_PORT", "80800", 'UPDRAFT_PORT: expected a port number (0 to 65535), got "80800"'],
    ["UPDRAFT_MAX_REQUEST_BYTES", "1MB", 'UPDRAFT_MAX_REQUEST_BYTES: expected a whole number of bytes of at least 1, got "1MB"'],
    ["UPDRAFT_SCHEDULER_LEASE_MS", "0", 'UPDRAFT_SCHEDULER_LEASE_MS: expected a whole number of milliseconds of at least 1, got "0"'],
    ["UPDRAFT_EXECUTOR", "celery", 'UPDRAFT_EXECUTOR: expected one of threads, sequential, got "celery"'],
    ["UPDRAFT_METRICS_PUBLIC", "sometimes", 'UPDRAFT_METRICS_PUBLIC: expected true or false (or 1/0, yes/no), got "sometimes"'],
    ["UPDRAFT_SERVER", "updraft.example.com", 'UPDRAFT_SERVER: expected a URL, got "updraft.example.com"'],
  ])("refuses %s=%j in one line naming it", (name, value, message) => {
    expect(settingProblem(name, value)).toBe(message);
  });

  it.each([
    ["UPDRAFT_PARSE_TIMEOUT", "1m30s"], ["UPDRAFT_WORKER_HEARTBEAT", "500ms"], ["UPDRAFT_PORT", "0"], ["UPDRAFT_LOG_FORMAT", "JSON"],
    ["UPDRAFT_LOCAL_QUEUES", ""], ["UPDRAFT_SERVER", "https://updraft.example.com"], ["UPDRAFT_CONN_MY_PG", "postgres://u:p@h/db"], ["NOT_OURS", "anything"],
  ])("accepts %s=%j", (name, value) => {
    expect(settingProblem(name, value)).toBeUndefined();
  });

  it("never echoes a secret's value", () => {
    expect(settingProblem("UPDRAFT_DB_URL", "x")).toBeUndefined();
    const spec = settingSpec("UPDRAFT_CONN_WAREHOUSE");
    expect(spec?.secret).toBe(true);
  });

  it("suggests the setting a typo meant", () => {
    expect(similarSettings("UPDRAFT_PROT")[0]).toBe("UPDRAFT_PORT");
    expect(similarSettings("UPDRAFT_PARSE_TIMOUT")[0]).toBe("UPDRAFT_PARSE_TIMEOUT");
    expect(similarSettings("SOMETHING_ELSE")).toEqual([]);
  });

  it("reads booleans as Airflow does", () => {
    expect(booleanSetting("X", true, {})).toBe(true);
    expect(booleanSetting("X", true, { X: "False" })).toBe(false);
    expect(booleanSetting("X", false, { X: "yes" })).toBe(true);
    expect(() => booleanSetting("X", false, { X: "maybe" })).toThrow('X: expected true or false (or 1/0, yes/no), got "maybe"');
  });
});

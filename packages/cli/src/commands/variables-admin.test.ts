// `updraft variables …` and `updraft pools …` run as the real command against a temp home: the
// issue's round trip (`variables export f.json` then `variables import f.json`) as typed, Airflow's
// file formats, what happens to existing keys, and refused requests (exit 1).
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deleteVariable, getVariable, migrateStore, openStore, setVariable, type Store } from "@updraft/store";
import { cliHome, type CliHome } from "../testing/run-updraft.ts";
import { exportValue, importValue } from "./variables-admin.ts";

let home: CliHome;
beforeEach(async () => {
  home = await cliHome("variables");
});
afterEach(async () => {
  await home.remove();
});

/** The home's database, opened with the key the CLI generated there (or made here first). */
async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const { secretKeyFor, loadConfig } = await import("../config.ts");
  const config = loadConfig({ home: home.dir }, {});
  const store = await openStore({ url: config.dbUrl, secretKey: await secretKeyFor(config) });
  try {
    await migrateStore(store);
    return await fn(store);
  } finally {
    await store.close();
  }
}

const VALUES: Record<string, string> = {
  number: "42",
  object: '{"rows":10,"tags":["a","b"]}',
  spaced_json: '{"rows": 10}',
  text: "plain text",
  quoted: '"already quoted"',
  big: "12345678901234567890",
  empty: "",
  unicode: "zürich ✓",
};

describe("exportValue / importValue", () => {
  it.each(Object.entries(VALUES))("gives %s back exactly", (_k, text) => {
    expect(importValue(JSON.parse(JSON.stringify(exportValue(text))))).toBe(text);
  });

  it("writes JSON values as JSON, as Airflow's export", () => {
    expect(exportValue("42")).toBe(42);
    expect(exportValue('{"rows":10}')).toEqual({ rows: 10 });
    expect(exportValue("plain")).toBe("plain");
  });
});

describe("updraft variables", { timeout: 600_000 }, () => {
  it("round-trips every value through `variables export f.json` and `variables import f.json`", async () => {
    // Values are written and read back through the store (one CLI start each would take minutes
    // on a loaded machine); the two commands under test run as typed.
    for (const [k, v] of Object.entries(VALUES)) await withStore((s) => setVariable(s, k, v));
    const out = await home.run(["variables", "export", "f.json"]);
    expect(out.code, out.stderr).toBe(0);
    const file = JSON.parse(await readFile(join(home.dir, "f.json"), "utf8"));
    expect(file).toMatchObject({ number: 42, object: { rows: 10, tags: ["a", "b"] }, text: "plain text", spaced_json: '{"rows": 10}' });
    await withStore(async (s) => {
      for (const k of Object.keys(VALUES)) await deleteVariable(s, k);
    });
    const imp = await home.run(["variables", "import", "f.json"]);
    expect(imp.code, imp.stderr).toBe(0);
    for (const [k, v] of Object.entries(VALUES)) expect(await withStore((s) => getVariable(s, k)), k).toBe(v);
  });

  it("overwrites, skips or fails on existing keys as asked, and exits 1 for an unknown key", async () => {
    await home.run(["variables", "set", "a", "old"]);
    await writeFile(join(home.dir, "in.json"), JSON.stringify({ a: "new", b: { x: 1 } }));
    const fail = await home.run(["variables", "import", "in.json", "--action-on-existing-key", "fail"]);
    expect([fail.code, fail.stderr]).toEqual([1, 'updraft: variable "a" already exists\n']);
    expect((await home.run(["variables", "get", "b"])).code).toBe(1);
    expect((await home.run(["variables", "import", "in.json", "--action-on-existing-key", "skip"])).stdout).toMatch(/1 of 2 variable\(s\) imported .*; 1 existing skipped/);
    expect((await home.run(["variables", "get", "a"])).stdout).toBe("old\n");
    expect((await home.run(["variables", "get", "b"])).stdout).toBe('{"x":1}\n');
    await home.run(["variables", "import", "in.json"]);
    expect((await home.run(["variables", "get", "a"])).stdout).toBe("new\n");
    const missing = await home.run(["variables", "delete", "zz"]);
    expect([missing.code, missing.stderr]).toEqual([1, 'updraft: variable "zz" does not exist\n']);
    await writeFile(join(home.dir, "list.json"), "[1, 2]");
    expect((await home.run(["variables", "import", "list.json"])).code).toBe(2);
  });
});

describe("updraft pools", { timeout: 600_000 }, () => {
  it("gets, exports and imports pools in Airflow's format, and refuses to delete default_pool", async () => {
    expect((await home.run(["pools", "set", "spark", "4", "cluster seats"])).code).toBe(0);
    const got = await home.run(["pools", "get", "spark", "-o", "json"]);
    expect(JSON.parse(got.stdout)).toEqual({ pool: "spark", slots: 4, description: "cluster seats", include_deferred: false });
    expect((await home.run(["pools", "export", "p.json"])).code).toBe(0);
    expect(JSON.parse(await readFile(join(home.dir, "p.json"), "utf8"))).toEqual({
      default_pool: { slots: 128, description: "Default pool", include_deferred: false },
      spark: { slots: 4, description: "cluster seats", include_deferred: false },
    });
    await writeFile(join(home.dir, "in.json"), JSON.stringify({ spark: { slots: 8, description: "more" }, gpu: { slots: 1, description: null, include_deferred: true } }));
    expect((await home.run(["pools", "import", "in.json"])).code).toBe(0);
    const list = JSON.parse((await home.run(["pools", "list", "-o", "json"])).stdout);
    expect(list).toEqual([
      { pool: "default_pool", slots: 128, description: "Default pool", include_deferred: false },
      { pool: "gpu", slots: 1, description: null, include_deferred: true },
      { pool: "spark", slots: 8, description: "more", include_deferred: false },
    ]);
    const del = await home.run(["pools", "delete", "default_pool"]);
    expect([del.code, del.stderr]).toEqual([1, 'updraft: pool "default_pool" is the default pool and cannot be deleted\n']);
    expect((await home.run(["pools", "get", "nope"])).code).toBe(1);
    await writeFile(join(home.dir, "bad.json"), JSON.stringify({ x: { slots: "four" } }));
    const bad = await home.run(["pools", "import", "bad.json"]);
    expect([bad.code, bad.stderr]).toEqual([2, 'updraft: "bad.json": pool "x": "slots" must be a whole number (-1 for unlimited)\n']);
  });
});

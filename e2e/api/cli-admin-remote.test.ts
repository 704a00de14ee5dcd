// The admin commands against a running server (`--server URL --token T`), through the REST API:
// variables, pools and connections past the API's page of 100 (import, list, export), the issue's
// connection example, and refused requests as one line with exit 1.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UPDRAFT, startServer, type TestServer } from "./server.ts";

let server: TestServer;
let dir: string;
beforeAll(async () => {
  server = await startServer();
  dir = await mkdtemp(join(tmpdir(), "updraft-cli-admin-remote-"));
}, 180_000);
afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

function remote(args: string[], token = server.tokens.admin): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("UPDRAFT_")));
  return new Promise((resolve) => {
    execFile(UPDRAFT, [...args, "--server", server.baseUrl, "--token", token], { cwd: dir, timeout: 240_000, env, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe("admin commands against a server", { timeout: 600_000 }, () => {
  it("imports, lists and exports 120 variables, a page of 100 and more", async () => {
    const doc = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`v_${String(i).padStart(3, "0")}`, i % 2 === 0 ? { n: i } : `text ${i}`]));
    await writeFile(join(dir, "vars.json"), JSON.stringify(doc));
    const imp = await remote(["variables", "import", "vars.json"]);
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stdout).toMatch(/120 of 120 variable\(s\) imported from vars\.json into server http/);
    const list = await remote(["variables", "list", "-o", "json"], server.tokens.read);
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as Array<{ key: string }>).filter((v) => v.key.startsWith("v_"))).toHaveLength(120);
    const exp = await remote(["variables", "export", "out.json"]);
    expect(exp.code, exp.stderr).toBe(0);
    const out = JSON.parse(await readFile(join(dir, "out.json"), "utf8")) as Record<string, unknown>;
    for (const [k, v] of Object.entries(doc)) expect(out[k], k).toEqual(v);
    // A read token sees no values: the export says so instead of writing a file without them.
    const readOnly = await remote(["variables", "export", "ro.json"], server.tokens.read);
    expect(readOnly.code).toBe(2);
    expect(readOnly.stderr).toContain("values need a token with the edit scope");
    const missing = await remote(["variables", "get", "no_such_key"]);
    expect([missing.code, missing.stderr]).toEqual([1, 'updraft: variable "no_such_key" does not exist\n']);
  });

  it("imports, gets, lists and exports 105 pools; default_pool cannot be deleted", async () => {
    const doc = Object.fromEntries(Array.from({ length: 105 }, (_, i) => [`pool_${String(i).padStart(3, "0")}`, { slots: i + 1, description: `p${i}`, include_deferred: false }]));
    await writeFile(join(dir, "pools.json"), JSON.stringify(doc));
    const imp = await remote(["pools", "import", "pools.json"]);
    expect(imp.code, imp.stderr).toBe(0);
    const list = JSON.parse((await remote(["pools", "list", "-o", "json"])).stdout) as Array<{ pool: string }>;
    expect(list.filter((p) => p.pool.startsWith("pool_"))).toHaveLength(105);
    const got = await remote(["pools", "get", "pool_104", "-o", "json"]);
    expect(JSON.parse(got.stdout)).toEqual({ pool: "pool_104", slots: 105, description: "p104", include_deferred: false });
    // Importing again updates in place.
    await writeFile(join(dir, "pools2.json"), JSON.stringify({ pool_000: { slots: 9, description: "changed" } }));
    expect((await remote(["pools", "import", "pools2.json"])).code).toBe(0);
    expect(JSON.parse((await remote(["pools", "get", "pool_000", "-o", "json"])).stdout)).toMatchObject({ slots: 9, description: "changed" });
    expect((await remote(["pools", "export", "pools-out.json"])).code).toBe(0);
    expect(Object.keys(JSON.parse(await readFile(join(dir, "pools-out.json"), "utf8")))).toHaveLength(106);
    const del = await remote(["pools", "delete", "default_pool"]);
    expect([del.code, del.stderr]).toEqual([1, 'updraft: pool "default_pool" is the default pool and cannot be deleted\n']);
  });

  it("adds the issue's connection, gets it without the password, and lists 110 connections", async () => {
    const add = await remote(["connections", "add", "x", "--conn-uri", "postgres://u:p%40ss@h:5432/db"], server.tokens.edit);
    expect(add.code, add.stderr).toBe(0);
    const got = await remote(["connections", "get", "x", "-o", "json"], server.tokens.edit);
    expect(JSON.parse(got.stdout)).toEqual({ conn_id: "x", conn_type: "postgres", description: null, host: "h", schema: "db", login: "u", port: 5432, extra: null, source: "server" });
    const dup = await remote(["connections", "add", "x", "--conn-uri", "postgres://h"], server.tokens.edit);
    expect([dup.code, dup.stderr]).toEqual([1, 'updraft: connection "x" already exists\n']);
    await writeFile(join(dir, "conns.env"), Array.from({ length: 109 }, (_, i) => `c_${String(i).padStart(3, "0")}=http://host-${i}:80${i % 10}\n`).join(""));
    const imp = await remote(["connections", "import", "conns.env"], server.tokens.edit);
    expect(imp.code, imp.stderr).toBe(0);
    const list = JSON.parse((await remote(["connections", "list", "-o", "json"], server.tokens.edit)).stdout) as Array<{ conn_id: string }>;
    expect(list).toHaveLength(110);
    const exp = await remote(["connections", "export", "conns-out.json"], server.tokens.edit);
    expect(exp.code, exp.stderr).toBe(0);
    expect(exp.stderr).toContain("the REST API never returns passwords");
    expect(Object.keys(JSON.parse(await readFile(join(dir, "conns-out.json"), "utf8")))).toHaveLength(110);
    const del = await remote(["connections", "delete", "nope"], server.tokens.edit);
    expect([del.code, del.stderr]).toEqual([1, 'updraft: connection "nope" does not exist\n']);
  });
});

// `updraft connections …` run as the real command in a child process, against a database in a
// temp UPDRAFT_HOME: the example as typed, URI / JSON / field forms, environment
// connections (they win, they are listed, they cannot be deleted from the database), import and
// export in Airflow's three formats across two homes, and `test` against real sockets.
import { readFile, stat, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliHome, type CliHome } from "../testing/run-updraft.ts";

let home: CliHome;
beforeEach(async () => {
  home = await cliHome("connections");
});
afterEach(async () => {
  await home.remove();
});

describe("updraft connections", { timeout: 600_000 }, () => {
  it("adds from a URI and shows the parsed fields without the password (the issue's example)", async () => {
    const add = await home.run(["connections", "add", "x", "--conn-uri", "postgres://u:p%40ss@h:5432/db"]);
    expect(add.code, add.stderr).toBe(0);
    const got = await home.run(["connections", "get", "x", "-o", "json"]);
    expect(got.code, got.stderr).toBe(0);
    expect(JSON.parse(got.stdout)).toEqual({ conn_id: "x", conn_type: "postgres", description: null, host: "h", schema: "db", login: "u", port: 5432, extra: null, source: "database" });
    expect(got.stdout).not.toContain("p@ss");
    // A second add of the same id is a refused request: one line, exit 1.
    const again = await home.run(["connections", "add", "x", "--conn-uri", "postgres://u:p%40ss@h:5432/db"]);
    expect([again.code, again.stderr]).toEqual([1, 'updraft: connection "x" already exists\n']);
  });

  it("takes Airflow's JSON form and fields, masks sensitive extra keys, and refuses mixed or malformed input", async () => {
    const json = await home.run(["connections", "add", "api", "--conn-json", '{"conn_type": "http", "host": "api.example.com", "password": "pw-123", "extra": {"api_key": "k-456", "timeout": 5}}']);
    expect(json.code, json.stderr).toBe(0);
    const got = await home.run(["connections", "get", "api", "-o", "yaml"]);
    expect(got.stdout).toContain("api_key: \"***\"");
    expect(got.stdout).toContain("timeout: 5");
    expect(got.stdout).not.toMatch(/pw-123|k-456/);
    const fields = await home.run(["connections", "add", "f", "--conn-type", "mysql", "--conn-host", "db", "--conn-port", "3306", "--conn-login", "me"]);
    expect(fields.code, fields.stderr).toBe(0);
    const mixed = await home.run(["connections", "add", "m", "--conn-uri", "http://h", "--conn-host", "other"]);
    expect([mixed.code, mixed.stderr]).toEqual([2, "updraft: connections add m: --conn-host cannot be mixed with --conn-uri\n"]);
    const bad = await home.run(["connections", "add", "b", "--conn-uri", "http://u:secret@h:99999"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--conn-uri: the port must be/);
    expect(bad.stderr).not.toContain("secret");
    const none = await home.run(["connections", "get", "nope"]);
    expect([none.code, none.stderr]).toEqual([1, 'updraft: connection "nope" does not exist\n']);
  });

  it("reads UPDRAFT_CONN_<ID> before the database, lists it, and will not delete it", async () => {
    expect((await home.run(["connections", "add", "warehouse", "--conn-uri", "postgres://db-user@stored-host/db"])).code).toBe(0);
    const env = { UPDRAFT_CONN_WAREHOUSE: "postgres://env-user:env-pw@env-host:6543/sales", UPDRAFT_CONN_CACHE: '{"conn_type": "redis", "host": "cache", "port": 6379}' };
    const got = await home.run(["connections", "get", "warehouse", "-o", "json"], env);
    expect(JSON.parse(got.stdout)).toMatchObject({ host: "env-host", login: "env-user", port: 6543, source: "env" });
    const list = await home.run(["connections", "list", "-o", "json"], env);
    expect(JSON.parse(list.stdout)).toEqual([
      { conn_id: "cache", conn_type: "redis", host: "cache", port: 6379, login: null, source: "env" },
      { conn_id: "warehouse", conn_type: "postgres", host: "env-host", port: 6543, login: "env-user", source: "env" },
    ]);
    const onlyEnv = await home.run(["connections", "delete", "cache"], env);
    expect([onlyEnv.code, onlyEnv.stderr]).toEqual([1, 'updraft: connection "cache" is defined by UPDRAFT_CONN_CACHE in the environment, not in the database; unset the variable instead\n']);
    const malformed = await home.run(["connections", "get", "w2"], { UPDRAFT_CONN_W2: "not-a-uri-with-pw" });
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toContain("UPDRAFT_CONN_W2: expected a URI");
    expect(malformed.stderr).not.toContain("not-a-uri-with-pw");
  });

  it("exports in json, yaml and env and imports each into another home with the same fields", async () => {
    await home.run(["connections", "add", "pg", "--conn-uri", "postgres://u:p%40ss@h:5432/db?sslmode=require"]);
    await home.run(["connections", "add", "web", "--conn-json", '{"conn_type": "http", "host": "example.com", "description": "the site", "extra": {"headers": {"a": 1}}}']);
    const expected = JSON.parse((await home.run(["connections", "list", "-o", "json"])).stdout);
    const other = await cliHome("connections-import");
    try {
      for (const [i, format] of ["json", "yaml", "env"].entries()) {
        const file = join(home.dir, `conns.${format}`);
        const out = await home.run(["connections", "export", file]);
        expect(out.code, out.stderr).toBe(0);
        expect((await stat(file)).mode & 0o777).toBe(0o600);
        expect(await readFile(file, "utf8")).toContain(format === "env" ? "p%40ss" : "p@ss");
        // The first import adds; the next ones find the ids taken and replace them (--overwrite).
        const imp = await other.run(["connections", "import", file, ...(i === 0 ? [] : ["--overwrite"])]);
        expect(imp.code, imp.stderr).toBe(0);
        expect(imp.stdout).toMatch(i === 0 ? /: 2 added, 0 replaced, 0 skipped/ : /: 0 added, 2 replaced, 0 skipped/);
        expect(JSON.parse((await other.run(["connections", "list", "-o", "json"])).stdout), format).toEqual(expected);
      }
      expect(JSON.parse((await other.run(["connections", "get", "pg", "-o", "json"])).stdout)).toMatchObject({ extra: { sslmode: "require" }, schema: "db" });
      const again = await other.run(["connections", "import", join(home.dir, "conns.json")]);
      expect(again.stderr).toContain('connection "pg" already exists; skipped');
    } finally {
      await other.remove();
    }
  });

  it("reads Airflow's import files: URI values, extra_dejson, .env comments; and names what is wrong", async () => {
    await writeFile(join(home.dir, "a.json"), JSON.stringify({ one: "mysql://root:pw@db:3306/app", two: { conn_type: "http", host: "h", extra_dejson: { timeout: 3 } } }));
    await writeFile(join(home.dir, "a.env"), "# connections\n\nthree=redis://cache:6379/0\nfour={\"conn_type\": \"ftp\", \"host\": \"files\"}\n");
    await writeFile(join(home.dir, "bad.json"), JSON.stringify({ ok: "http://h", broken: { conn_type: "http", hots: "typo" } }));
    expect((await home.run(["connections", "import", "a.json"])).code).toBe(0);
    expect((await home.run(["connections", "import", "a.env"])).code).toBe(0);
    const ids = JSON.parse((await home.run(["connections", "list", "-o", "json"])).stdout).map((c: { conn_id: string }) => c.conn_id);
    expect(ids).toEqual(["four", "one", "three", "two"]);
    const bad = await home.run(["connections", "import", "bad.json"]);
    expect([bad.code, bad.stderr]).toEqual([2, 'updraft: "bad.json": connection "broken": unknown field "hots" (expected conn_type, description, host, login, password, port, schema, extra)\n']);
    // Nothing of a bad file is written.
    expect((await home.run(["connections", "get", "ok"])).code).toBe(1);
  });

  describe("test", () => {
    let server: Server;
    let port: number;
    beforeEach(async () => {
      server = createServer((s) => s.end());
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      port = (server.address() as { port: number }).port;
    });
    afterEach(async () => {
      await new Promise((r) => server.close(r));
    });

    it("says exactly what it tested: TCP reachability, success or failure; no test without a host", async () => {
      await home.run(["connections", "add", "up", "--conn-uri", `postgres://u:pw@127.0.0.1:${port}/db`]);
      const ok = await home.run(["connections", "test", "up"]);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toMatch(new RegExp(`^connection "up": TCP connect to 127\\.0\\.0\\.1:${port} succeeded in \\d+ ms; only TCP reachability was tested, not the credentials or the protocol\\n$`));
      const closed = port;
      await new Promise((r) => server.close(r));
      server = createServer();
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      const down = await home.run(["connections", "test", "up"]);
      expect(down.code).toBe(1);
      expect(down.stderr).toMatch(new RegExp(`TCP connect to 127\\.0\\.0\\.1:${closed} failed after \\d+ ms: ECONNREFUSED`));
      await home.run(["connections", "add", "cloud", "--conn-uri", "google-cloud-platform://?project=p"]);
      const noTest = await home.run(["connections", "test", "cloud"]);
      expect([noTest.code, noTest.stderr]).toEqual([1, 'updraft: no test for type "google_cloud_platform": connection "cloud" has no host and port to reach (type-specific tests come with hooks); nothing was tested\n']);
    });
  });
});

// The server processes' log: settings from the environment, and a real `updraft standalone`
// whose stdout, with UPDRAFT_LOG_FORMAT=json, is one JSON object per line (access log included).
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger, logSettings } from "./logger.ts";

const BIN = resolve(fileURLToPath(import.meta.url), "../../../../node_modules/.bin/updraft");

const freePort = () => new Promise<number>((ok) => {
  const s = createServer().listen(0, "127.0.0.1", () => {
    const { port } = s.address() as { port: number };
    s.close(() => ok(port));
  });
});

describe("log settings", () => {
  it("writes JSON when stdout is not a terminal and readable lines when it is, unless UPDRAFT_LOG_FORMAT says", () => {
    expect(logSettings({}, false)).toEqual({ level: "info", format: "json" });
    expect(logSettings({}, true)).toEqual({ level: "info", format: "pretty" });
    expect(logSettings({ UPDRAFT_LOG_FORMAT: "json", UPDRAFT_LOG_LEVEL: "DEBUG" }, true)).toEqual({ level: "debug", format: "json" });
  });

  it("refuses a level or format it does not know, naming the setting", () => {
    expect(() => logSettings({ UPDRAFT_LOG_LEVEL: "loud" }, false)).toThrow('UPDRAFT_LOG_LEVEL: expected one of trace, debug, info, warn, error, fatal, silent, got "loud"');
    expect(() => logSettings({ UPDRAFT_LOG_FORMAT: "xml" }, false)).toThrow('UPDRAFT_LOG_FORMAT: expected json or pretty, got "xml"');
  });

  it("names the process and the level in JSON records, and leaves records below the level out", () => {
    let out = "";
    const sink = new Writable({ write(chunk, _enc, done) { out += String(chunk); done(); } });
    const log = createLogger("scheduler", { level: "warn", format: "json" }, sink);
    log.info("not this");
    log.warn({ dag_id: "d" }, "this");
    const records = out.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ level: "warn", name: "updraft-scheduler", dag_id: "d", msg: "this" });
    expect(Date.parse(String(records[0]!.time))).toBeGreaterThan(0);
  });
});

describe("updraft standalone with UPDRAFT_LOG_FORMAT=json", () => {
  let dir = "";
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("writes one JSON object per line, with an access-log record per request and no token in it", { timeout: 180_000 }, async () => {
    dir = await mkdtemp(join(tmpdir(), "updraft-logs-"));
    await mkdir(join(dir, "dags"));
    await writeFile(join(dir, "dags", "hello.ts"), `import { dag, task } from "@updraft/sdk";\nexport default dag({ id: "hello" }, () => { task("hi", () => 1)(); });\n`);
    const port = await freePort();
    const child = spawn(BIN, ["standalone"], {
      cwd: dir,
      env: { ...process.env, UPDRAFT_HOME: join(dir, "home"), UPDRAFT_DAGS_FOLDER: join(dir, "dags"), UPDRAFT_PORT: String(port), UPDRAFT_HOST: "127.0.0.1", UPDRAFT_LOG_FORMAT: "json" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((ok) => child.on("exit", (code) => ok(code)));
    try {
      const token = await new Promise<string>((ok, fail) => {
        const timer = setInterval(() => {
          const m = /(updr_[A-Za-z0-9_-]{43})/.exec(out);
          if (m) {
            clearInterval(timer);
            ok(m[1]!);
          } else if (child.exitCode !== null) {
            clearInterval(timer);
            fail(new Error(`standalone exited: ${err}`));
          }
        }, 100);
      });
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/dags?limit=5`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      const loggedAccess = () => out.split("\n").some((l) => l.includes('"path":"/api/v1/dags?limit=5"'));
      for (let i = 0; i < 100 && !loggedAccess(); i++) await new Promise((r) => setTimeout(r, 100));
    } finally {
      child.kill("SIGTERM");
      await exited;
    }
    const lines = out.split("\n").filter((l) => l.length > 0);
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.length).toBeGreaterThan(2);
    for (const r of records) expect(r).toMatchObject({ name: "updraft-standalone", level: expect.any(String), msg: expect.any(String) });
    expect(records.some((r) => String(r.msg).startsWith("Updraft ") && String(r.msg).includes(`http://localhost:${port}/`))).toBe(true);
    const access = records.find((r) => r.path === "/api/v1/dags?limit=5");
    expect(access).toMatchObject({ method: "GET", status: 200, level: "info", user: expect.any(String) });
    expect(JSON.stringify(access)).not.toContain("updr_");
  });
});

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Json } from "@updraft/sdk";
import { runTask } from "./run-task.ts";
import type { ConnectionData, LogLine, SubmitRequest, TaskAssignment, TaskHost } from "./protocol.ts";

// A DAG file as the DAG processor would bundle it. (It sits inside the package: vitest's module
// runner, unlike Node's loader, ignores the runtime's resolve hook; the end-to-end suites cover
// bundles that live outside the project.)
const DAG_SOURCE = `
import { dag, task, shell, sensor, branch, SkipTask, FailTask, ChildTaskFailed } from "@updraft/sdk";
let pokes = 0;
const add = task("add", (ctx, a, b) => a + b);
const double = task("double", (ctx, n) => n * 2);
export default dag({ id: "rt", params: { who: "world" } }, () => {
  add(1, 2);
  task("fan", async (ctx) => Promise.all([1, 2, 3].map((n) => ctx.submit(double, n))))();
  task("catcher", async (ctx) => {
    try { await ctx.submit(double, -1); } catch (e) { return [e.name, e.message, e instanceof ChildTaskFailed]; }
  })();
  task("skipper", async (ctx) => (await ctx.submit(double, 0)) === undefined)();
  task("adhoc", (ctx) => ctx.submit(task("adhoc_child", () => 1)))();
  task("submit_node", (ctx) => ctx.submit(add, 1, 2))();
  task("submit_fn", (ctx) => ctx.submit(double, () => 1))();
  task("push", (ctx) => { ctx.xcom.push("extra", { n: 1 }); return "ok"; })();
  task("skip", () => { throw new SkipTask("nothing to do"); })();
  task("fail_hard", () => { throw new FailTask("bad input"); })();
  task("boom", () => { throw new Error("kaput"); })();
  task("leaky", async (ctx) => { const c = await ctx.connections.get("db"); throw new Error("login failed for u:" + c.password); })();
  task("not_json", () => 10n)();
  task("chatty", async (ctx) => {
    const pw = (await ctx.connections.get("db")).password;
    console.log("connecting with", pw);
    ctx.log.warn("token is", await ctx.variables.get("api_token"));
    return "done";
  })();
  task("extra_leak", async (ctx) => {
    const c = await ctx.connections.get("db");
    console.log("key", c.extra.api_key, "region", c.extra.region, "auth", JSON.stringify(c.extra.auth));
    console.log(c.extra.auth.private_key.split("\\n")[1]);
    return "done";
  })();
  shell("shell_secret", { command: "echo 'pw {{ conn.db.password }} key {{ conn.db.extra.api_key }} region {{ conn.db.extra.region }}'" });
  task("big_xcom", () => "x".repeat(1024 * 1024))();
  task("big_push", (ctx) => { ctx.xcom.push("rows", Array.from({ length: 20 }, (_, i) => i)); return 1; })();
  task("wait_abort", (ctx) => new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason))))();
  shell("echo", { command: "echo first; echo 'hello {{ params.who }} {{ ds_nodash }} {{ var.value.greeting }} {{ xcom(\\"push\\") }}'" });
  shell("env", { command: "echo $WHERE", env: { WHERE: "in {{ ds }}" } });
  shell("skip99", { command: "exit 99" });
  shell("envdump", { command: "echo key=$UPDRAFT_SECRET_KEY" });
  shell("exit3", { command: "echo oops >&2; exit 3" });
  shell("undefined_name", { command: "echo {{ nope }}" });
  sensor("poker", { pokeInterval: "10ms", timeout: "5s" }, () => (++pokes >= 3 ? { done: true, value: pokes } : false));
  sensor("never", { pokeInterval: "10ms", timeout: "50ms" }, () => false);
  sensor("never_soft", { pokeInterval: "10ms", timeout: "50ms", softFail: true }, () => false);
  sensor("gives_up_soft", { pokeInterval: "10ms", timeout: "5s", softFail: true }, () => { throw new FailTask("source is gone"); });
  sensor("breaks_soft", { pokeInterval: "10ms", timeout: "5s", softFail: true }, () => { throw new Error("network down"); });
  sensor("gives_up", { pokeInterval: "10ms", timeout: "5s" }, () => { throw new FailTask("source is gone"); });
  sensor("later", { pokeInterval: "1m", timeout: "1h", mode: "reschedule" }, () => false);
  const pick = branch("pick", () => "left");
  const wrong = branch("wrong", () => ["only", "nowhere", "nor_here"]);
  branch("deep", () => ["only"])();
  branch("numeric", () => 7)();
  const names = task("names", () => ["a", "b"])();
  task("greet", (ctx, pair) => pair[0] + "=" + pair[1]).expand(names.map((n) => n.toUpperCase()).zip([1, 2]));
  task("picky", (ctx, n) => n).expand(names.map((n) => { if (n === "b") throw new SkipTask("no b"); return n; }));
  const left = task("left", () => 1);
  const right = task("right", () => 2);
  const p = pick(); left().after(p); right().after(p);
  const w = wrong(); task("only", () => 3)().after(w);
});
`;

let dir = "";
let bundle = "";
beforeAll(async () => {
  dir = await mkdtemp(join(import.meta.dirname, ".tmp-runtime-"));
  bundle = join(dir, "rt.mjs");
  await writeFile(bundle, DAG_SOURCE);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A host backed by plain maps: what a test can assert on. */
function recordingHost(): TaskHost & { lines: LogLine[] } {
  const variables = new Map([["greeting", "hi"], ["api_token", "s3cr3t-token"]]);
  const connections = new Map<string, ConnectionData>([["db", { connId: "db", connType: "postgres", host: "db.local", schema: null, login: "u", password: "hunter22", port: 5432,
    extra: { region: "eu-west-1", api_key: "ak-0123456789", auth: { private_key: "-----BEGIN KEY-----\nAAAABBBBCCCCDDDD\n-----END KEY-----" } } }]]);
  const xcoms = new Map<string, Json>([["push", "ok"]]);
  const lines: LogLine[] = [];
  return {
    lines,
    xcomPull: async (q) => xcoms.get(q.taskId),
    variableGet: async (k) => variables.get(k),
    variableSet: async (k, v) => void variables.set(k, v),
    connectionGet: async (id) => connections.get(id),
    // Children of `double`: n * 2, except -1 (failed) and 0 (skipped).
    submit: async (req) => {
      submits.push(req);
      const n = req.args[0] as number;
      if (n === -1) return { ok: false, error: { name: "ChildTaskFailed", message: 'task "double" [0] failed: RangeError: negative' } };
      if (n === 0) return { ok: true, skipped: true };
      return { ok: true, value: n * 2 };
    },
    log: (_key, l) => void lines.push(...l),
  };
}

const submits: SubmitRequest[] = [];

function assignment(taskId: string, args: Json[] = []): TaskAssignment {
  return {
    v: 1, key: `rt/r/${taskId}/-1/1`, dagId: "rt", runId: "manual__x", taskId, mapIndex: -1, tryNumber: 1,
    bundle: { hash: "h1", path: bundle }, args, logicalDate: "2026-03-01T00:00:00.000Z",
    dataIntervalStart: "2026-03-01T00:00:00.000Z", dataIntervalEnd: "2026-03-01T00:00:00.000Z",
    params: { who: "world" }, conf: {}, runType: "manual", queue: "default", executionTimeoutMs: null, sensorStartedAt: null,
  };
}

const run = (taskId: string, args: Json[] = [], host = recordingHost(), signal = new AbortController().signal) => runTask(assignment(taskId, args), host, signal);

describe("runTask", () => {
  it("calls the task with its arguments and returns its value and pushed XComs", async () => {
    expect(await run("add", [1, 2])).toEqual({ status: "success", value: 3, pushed: {} });
    expect(await run("push")).toEqual({ status: "success", value: "ok", pushed: { extra: { n: 1 } } });
  });

  it("turns SkipTask into skipped, FailTask into a failure without retry, other errors into a retryable failure", async () => {
    expect(await run("skip")).toMatchObject({ status: "skipped", reason: "nothing to do" });
    expect(await run("fail_hard")).toMatchObject({ status: "failed", retryable: false, error: { name: "FailTask", message: "bad input" } });
    expect(await run("boom")).toMatchObject({ status: "failed", retryable: true, error: { name: "Error", message: "kaput" } });
    expect(await run("not_json")).toMatchObject({ status: "failed", error: { message: expect.stringContaining('task "not_json" returned a value that cannot be stored as JSON') } });
  });

  it("routes console output into the task log and masks passwords and sensitive variables", async () => {
    const host = recordingHost();
    expect(await run("chatty", [], host)).toMatchObject({ status: "success" });
    const text = host.lines.map((l) => l.message).join("\n");
    expect(text).toContain("connecting with ***");
    expect(text).toContain("token is ***");
    expect(text).not.toContain("hunter22");
    expect(text).not.toContain("s3cr3t-token");
  });

  it("masks the sensitive keys of a connection's extra in the log, as its password", async () => {
    const host = recordingHost();
    expect(await run("extra_leak", [], host)).toMatchObject({ status: "success" });
    const text = host.lines.map((l) => l.message).join("\n");
    expect(text).toContain("key *** region eu-west-1");
    expect(text).not.toContain("ak-0123456789");
    expect(text).not.toContain("AAAABBBBCCCCDDDD");
  });

  it("masks a shell task's XCom as the log line it comes from", async () => {
    const host = recordingHost();
    expect(await run("shell_secret", [], host)).toEqual({ status: "success", value: "pw *** key *** region eu-west-1", pushed: {} });
    const text = host.lines.map((l) => l.message).join("\n");
    expect(text).toContain("pw *** key ***");
    expect(text).not.toContain("hunter22");
  });

  it("fails a try whose XCom is larger than UPDRAFT_MAX_XCOM_BYTES (1 MiB by default), naming the key and the limit", async () => {
    expect(await run("big_xcom")).toMatchObject({
      status: "failed",
      error: { message: `task "big_xcom": XCom "return_value" is ${1024 * 1024 + 2} bytes of JSON, more than the limit of ${1024 * 1024} bytes (UPDRAFT_MAX_XCOM_BYTES); store large data elsewhere and pass a reference` },
    });
    expect(await run("big_push")).toMatchObject({ status: "success", pushed: { rows: expect.any(Array) } });
    process.env.UPDRAFT_MAX_XCOM_BYTES = "40";
    try {
      expect(await run("big_push")).toMatchObject({ status: "failed", error: { message: expect.stringContaining(`XCom "rows" is 51 bytes of JSON, more than the limit of 40 bytes`) } });
    } finally {
      delete process.env.UPDRAFT_MAX_XCOM_BYTES;
    }
  });

  it("masks secrets in the error a failed try reports", async () => {
    const outcome = await run("leaky");
    expect(outcome).toMatchObject({ status: "failed", error: { message: "login failed for u:***" } });
    expect(JSON.stringify(outcome)).not.toContain("hunter22");
  });

  it("gives shell tasks the environment without Updraft's own secrets", async () => {
    process.env.UPDRAFT_SECRET_KEY = "do-not-leak";
    try {
      const outcome = await run("envdump");
      expect(outcome).toMatchObject({ status: "success", value: "key=" });
    } finally {
      delete process.env.UPDRAFT_SECRET_KEY;
    }
  });

  it("ends with the abort reason when the signal fires", async () => {
    const ctl = new AbortController();
    const pending = run("wait_abort", [], recordingHost(), ctl.signal);
    ctl.abort(new Error("timed out"));
    expect(await pending).toMatchObject({ status: "failed", error: { message: "timed out" } });
  });

  it("renders shell templates and keeps the last stdout line as the XCom", async () => {
    expect(await run("echo")).toEqual({ status: "success", value: "hello world 20260301 hi ok", pushed: {} });
    expect(await run("env")).toMatchObject({ status: "success", value: "in 2026-03-01" });
  });

  it("skips a shell task on exit code 99 and fails it on any other non-zero code", async () => {
    expect(await run("skip99")).toMatchObject({ status: "skipped" });
    const host = recordingHost();
    expect(await run("exit3", [], host)).toMatchObject({ status: "failed", retryable: true, error: { name: "ShellCommandError", message: 'task "exit3": command exited with code 3' } });
    expect(host.lines.some((l) => l.level === "warn" && l.message === "oops")).toBe(true);
  });

  it("fails a template that names something undefined, naming the template", async () => {
    expect(await run("undefined_name")).toMatchObject({ status: "failed", error: { name: "TemplateError", message: expect.stringContaining('template "echo {{ nope }}" does not render') } });
  });

  it("pokes a sensor until done, and fails or skips it at its timeout", async () => {
    expect(await run("poker")).toEqual({ status: "success", value: 3, pushed: {} });
    expect(await run("never")).toMatchObject({ status: "failed", retryable: false, error: { name: "SensorTimeoutError" } });
    expect(await run("never_soft")).toMatchObject({ status: "skipped" });
  });

  // Airflow's test_soft_fail_with_skip_exception and test_soft_fail_with_exception.
  it("skips a softFail sensor whose poke throws FailTask, and fails it (retryable) on any other error", async () => {
    expect(await run("gives_up_soft")).toMatchObject({ status: "skipped", reason: "FailTask: source is gone (softFail)" });
    expect(await run("breaks_soft")).toMatchObject({ status: "failed", retryable: true, error: { message: "network down" } });
    expect(await run("gives_up")).toMatchObject({ status: "failed", retryable: false, error: { name: "FailTask" } });
  });

  it("hands a reschedule-mode sensor's slot back with the time of its next poke", async () => {
    const before = Date.now();
    const outcome = await run("later");
    expect(outcome.status).toBe("reschedule");
    if (outcome.status !== "reschedule") return;
    expect(outcome.nextPokeAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(outcome.sensorStartedAt).toBeGreaterThanOrEqual(before);
  });

  // Airflow's skip_all_except: any task id of the DAG, at any depth; others raise, naming them.
  it("lets a branch name any task of the DAG, and fails it on ids that are not, naming them", async () => {
    expect(await run("pick")).toEqual({ status: "success", value: "left", pushed: {} });
    expect(await run("deep")).toEqual({ status: "success", value: ["only"], pushed: {} });
    expect(await run("wrong")).toMatchObject({ status: "failed", error: { message: 'branch "wrong" returned task ids that are not in dag "rt": "nowhere", "nor_here" (branch task ids must be valid task ids)' } });
    expect(await run("numeric")).toMatchObject({ status: "failed", error: { message: 'branch "numeric" must return task ids as strings (or null), got 7' } });
  });

  // Airflow's XComArg.map / .zip: the scheduler sends the raw element, the runtime applies the map functions.
  it("finishes a mapped instance's element of a .map()/.zip() source, and skips the instance when the map function throws SkipTask", async () => {
    const mapped = (taskId: string, mapIndex: number, element: Json) => ({ ...assignment(taskId, [element]), mapIndex });
    expect(await runTask(mapped("greet", 1, { zip: [{ v: "b" }, { v: 2 }] }), recordingHost(), new AbortController().signal))
      .toEqual({ status: "success", value: "B=2", pushed: {} });
    expect(await runTask(mapped("picky", 0, "a"), recordingHost(), new AbortController().signal)).toEqual({ status: "success", value: "a", pushed: {} });
    expect(await runTask(mapped("picky", 1, "b"), recordingHost(), new AbortController().signal)).toMatchObject({ status: "skipped", reason: "no b" });
  });

  it("says which DAG a bundle lacks", async () => {
    const a = { ...assignment("add"), dagId: "other" };
    expect(await runTask(a, recordingHost(), new AbortController().signal)).toMatchObject({ status: "failed", error: { name: "BundleLoadError", message: expect.stringContaining('does not define dag "other"') } });
  });

  describe("ctx.submit", () => {
    it("asks the host for each child with the try's key, a sequence number and JSON arguments, and returns their values", async () => {
      submits.length = 0;
      expect(await run("fan")).toEqual({ status: "success", value: [2, 4, 6], pushed: {} });
      expect(submits).toEqual([0, 1, 2].map((seq) => ({ key: "rt/r/fan/-1/1", seq, taskId: "double", args: [seq + 1] })));
    });

    it("rejects with a ChildTaskFailed the parent can catch, and resolves a skipped child with undefined", async () => {
      expect(await run("catcher")).toMatchObject({ status: "success", value: ["ChildTaskFailed", 'task "double" [0] failed: RangeError: negative', true] });
      expect(await run("skipper")).toMatchObject({ status: "success", value: true });
    });

    it("refuses a definition the DAG does not know, one called as a task of the DAG, and non-JSON arguments, before asking the host", async () => {
      submits.length = 0;
      expect(await run("adhoc")).toMatchObject({ status: "failed", error: { name: "SubmitError", message: 'dag "rt": task "adhoc": ctx.submit of task "adhoc_child": dag "rt" does not know this definition; declare it in the DAG file, before dag() or inside its body' } });
      expect(await run("submit_node")).toMatchObject({ status: "failed", error: { name: "SubmitError", message: expect.stringContaining('"add" is a task of the DAG') } });
      expect(await run("submit_fn")).toMatchObject({ status: "failed", error: { name: "SubmitError", message: expect.stringContaining("argument 1 must be a JSON value") } });
      expect(submits).toEqual([]);
    });

    it("runs a submitted child by its definition id, like any task of the bundle", async () => {
      expect(await run("double", [21])).toEqual({ status: "success", value: 42, pushed: {} });
    });
  });
});

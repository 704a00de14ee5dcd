import { describe, expect, it } from "vitest";
import { dag, isDag, toUtcIso } from "./dag.ts";
import { task, branch, shortCircuit, definitionOf, checkSubmitArgs } from "./task.ts";
import { shell, sensor } from "./operators.ts";
import { chain } from "./output.ts";
import type { ScheduleSpec } from "./serialized.ts";

const noSchedule = (): ScheduleSpec | null => null;
const rawCron = (raw: unknown): ScheduleSpec | null => (typeof raw === "string" ? { kind: "cron", expression: raw } : null);

describe("dag()", () => {
  it("turns outputs passed as arguments into data edges with xcom argument specs", () => {
    const extract = task("extract", () => [1, 2, 3]);
    const total = task("total", (_ctx, rows: number[], factor: number) => rows.length * factor);
    const d = dag({ id: "taskflow" }, () => {
      total(extract(), 10);
    });
    const s = d.serialize(noSchedule);
    expect(s.tasks.map((t) => t.id)).toEqual(["extract", "total"]);
    const t = s.tasks[1]!;
    expect(t.upstream).toEqual(["extract"]);
    expect(t.args).toEqual([{ kind: "xcom", taskId: "extract", key: "return_value" }, { kind: "literal", value: 10 }]);
  });

  it("records expand() over an upstream output as a mapped argument", () => {
    const extract = task("extract", () => [1, 2]);
    const clean = task("clean", (_ctx, n: number, suffix: string) => `${n}${suffix}`);
    const load = task("load", (_ctx, rows: string[]) => rows.join());
    const d = dag({ id: "mapped" }, () => {
      load(clean.expand(extract(), "!"));
    });
    const clean_ = d.serialize(noSchedule).tasks.find((t) => t.id === "clean")!;
    expect(clean_.expand).toEqual({ argIndex: 0, source: { kind: "xcom", taskId: "extract", key: "return_value" } });
    expect(clean_.args).toEqual([{ kind: "literal", value: null }, { kind: "literal", value: "!" }]);
    expect(d.task("load").spec.upstream).toEqual(["clean"]);
  });

  it("adds edges without data from chain() and .after(), fanning lists out and in", () => {
    const a = task("a", () => 1);
    const b = task("b", () => 1);
    const c = task("c", () => 1);
    const d = dag({ id: "edges" }, () => {
      const [x, y, z] = [a(), b(), c()];
      chain(x, [y, z]);
      shell("after_all", { command: "true" }).after([y, z]);
    });
    expect(d.task("b").spec.upstream).toEqual(["a"]);
    expect(d.task("c").spec.upstream).toEqual(["a"]);
    expect(d.task("after_all").spec.upstream).toEqual(["b", "c"]);
    expect(d.task("a").downstream.sort()).toEqual(["b", "c"]);
  });

  it("names the cycle when edges form one", () => {
    const a = task("a", () => 1);
    const b = task("b", (_ctx, n: number) => n);
    expect(() =>
      dag({ id: "loop" }, () => {
        const x = a();
        const y = b(x);
        x.after(y);
      }),
    ).toThrow('dag "loop" has a cycle: a -> b -> a');
  });

  it("suffixes a definition called twice, like Airflow, but refuses two operators with one id", () => {
    const a = task("a", () => 1);
    const d = dag({ id: "twice" }, () => {
      a();
      a();
    });
    expect([...d.tasks.keys()]).toEqual(["a", "a__1"]);
    expect(() =>
      dag({ id: "dup" }, () => {
        shell("s", { command: "true" });
        shell("s", { command: "true" });
      }),
    ).toThrow('dag "dup": duplicate task id "s"');
  });

  it("rejects bad ids, bad options and outputs of another dag with messages naming them", () => {
    expect(() => dag({ id: "bad id!" }, () => {})).toThrow('dag "bad id!": id: must match');
    expect(() => task("bad id", () => 1)).toThrow(/task id "bad id" must match/);
    expect(() => task({ id: "t", retries: -1 }, () => 1)).toThrow(/task "t": retries/);
    expect(() => task({ id: "t", triggerRule: "sometimes" as never }, () => 1)).toThrow(/task "t": triggerRule/);
    expect(() => dag({ id: "empty" }, () => {})).toThrow('dag "empty" has no tasks');
    const a = task("a", () => 1);
    let foreign: unknown;
    dag({ id: "one" }, () => {
      foreign = a();
    });
    const b = task("b", (_ctx, x: number) => x);
    expect(() => dag({ id: "two" }, () => void b(foreign as number))).toThrow('dag "two": task "b" takes the output of task "a" of another dag "one"');
    expect(() => dag({ id: "fn_arg" }, () => void b((() => 1) as unknown as number))).toThrow(/argument 1 must be a task output or a JSON value/);
    expect(() => task("outside", () => 1)()).toThrow("must be called inside a dag() body");
  });

  it("resolves options: task over defaultArgs over defaults, durations in ms, downstream priority weights", () => {
    const a = task({ id: "a", retries: 5 }, () => 1);
    const b = task("b", () => 1);
    const d = dag({ id: "opts", defaultArgs: { retries: 2, retryDelay: "30s", retryExponentialBackoff: true }, dagrunTimeout: "2h" }, () => {
      chain(a(), b());
    });
    const s = d.serialize(noSchedule);
    const [ta, tb] = s.tasks;
    expect(ta).toMatchObject({ retries: 5, retryDelayMs: 30_000, retryExponentialBackoff: true, pool: "default_pool", queue: "default", triggerRule: "all_success", priorityWeight: 2 });
    expect(tb).toMatchObject({ retries: 2, priorityWeight: 1 });
    expect(s.dagrunTimeoutMs).toBe(7_200_000);
  });

  it("serializes .map() and .zip() as the source of expand(), with the map functions kept by id", () => {
    const names = task("names", () => ["a", "b"]);
    const sizes = task("sizes", () => [1, 2, 3]);
    const use = task("use", (_ctx, pair: [string | null, number | null]) => pair.join());
    const shout = task("shout", (_ctx, name: string) => name);
    const d = dag({ id: "derived" }, () => {
      const n = names();
      shout.expand(n.map((name) => name.toUpperCase()));
      use.expand(n.zip(sizes(), { fillValue: null }));
    });
    const by = (id: string) => d.task(id).spec;
    expect(by("shout").expand).toEqual({ argIndex: 0, source: { kind: "map", source: { kind: "xcom", taskId: "names", key: "return_value" }, fn: "map_1" } });
    expect(by("shout").upstream).toEqual(["names"]);
    expect(by("use").expand!.source).toEqual({
      kind: "zip", fill: { value: null },
      sources: [{ kind: "xcom", taskId: "names", key: "return_value" }, { kind: "xcom", taskId: "sizes", key: "return_value" }],
    });
    expect(by("use").upstream).toEqual(["names", "sizes"]);
    expect(d.mapFunction("map_1")("ab")).toBe("AB");
  });

  it("refuses .map()/.zip() results where a list to expand over does not fit, naming the place", () => {
    const names = task("names", () => ["a"]);
    const one = task("one", (_ctx, xs: string[]) => xs);
    const other = dag({ id: "other" }, () => void names());
    void other;
    expect(() => dag({ id: "plain_arg" }, () => void one(names().map((x) => x)))).toThrow('dag "plain_arg": task "one": argument 1 is the result of .map()/.zip(), which can only be the source of expand()');
    expect(() => dag({ id: "ordered" }, () => void names().map((x) => x).after(names()))).toThrow(/has no after\(\)/);
    expect(() => dag({ id: "chained" }, () => chain(names().map((x) => x), one([])))).toThrow("chain(): the result of .map()/.zip() is a list to expand() over, not a task to order");
    expect(() => dag({ id: "bad_fill" }, () => void names().zip(names(), { fillValue: new Date() as never }))).toThrow('dag "bad_fill": names.zip(): fillValue must be a JSON value');
    expect(() => dag({ id: "lonely" }, () => void names().zip())).toThrow('dag "lonely": names.zip() needs at least one other output or list');
    expect(() => dag({ id: "task_fn" }, () => void names().map(one as never))).toThrow("names.map() takes a plain function, not a task definition");
  });

  it("resolves the past options with Airflow's defaults; waitForDownstream implies dependsOnPast", () => {
    const d = dag({ id: "past", defaultArgs: { waitForPastDependsBeforeSkipping: true } }, () => {
      task("plain", () => 1)();
      task({ id: "waits", waitForDownstream: true }, () => 1)();
      task({ id: "strict", dependsOnPast: true, ignoreFirstDependsOnPast: false }, () => 1)();
    });
    const by = (id: string) => d.task(id).spec;
    expect(by("plain")).toMatchObject({ dependsOnPast: false, waitForDownstream: false, ignoreFirstDependsOnPast: true, waitForPastDependsBeforeSkipping: true });
    expect(by("waits")).toMatchObject({ dependsOnPast: true, waitForDownstream: true });
    expect(by("strict")).toMatchObject({ dependsOnPast: true, ignoreFirstDependsOnPast: false });
    expect(() => dag({ id: "bad" }, () => void task({ id: "t", waitForDownstream: "yes" as never }, () => 1)())).toThrow(/task "t": waitForDownstream/);
  });

  it("records a short circuit's ignoreDownstreamTriggerRules: true by default, false when asked, in either form", () => {
    const d = dag({ id: "sc" }, () => {
      shortCircuit("plain", () => false)();
      shortCircuit("direct_only", { ignoreDownstreamTriggerRules: false, retries: 1 }, () => false)();
      shortCircuit({ id: "object_form", ignoreDownstreamTriggerRules: false }, () => false)();
      task("t", () => 1)();
    });
    const s = d.serialize(noSchedule);
    const by = (id: string) => s.tasks.find((t) => t.id === id)!;
    expect(by("plain").ignoreDownstreamTriggerRules).toBe(true);
    expect(by("direct_only")).toMatchObject({ ignoreDownstreamTriggerRules: false, retries: 1 });
    expect(by("object_form").ignoreDownstreamTriggerRules).toBe(false);
    expect(by("t")).not.toHaveProperty("ignoreDownstreamTriggerRules");
    expect(() => dag({ id: "bad" }, () => void shortCircuit("x", { ignoreDownstreamTriggerRules: "no" as never }, () => 1)()))
      .toThrow('shortCircuit(): task "x": ignoreDownstreamTriggerRules must be a boolean, got "no"');
  });

  it("serializes schedule, dates as UTC, sensors and shell specs", () => {
    const d = dag({ id: "s", schedule: "0 3 * * *", startDate: "2026-01-01", endDate: "2026-02-01T12:00:00+02:00", catchup: true, params: { region: "eu" } }, () => {
      sensor("wait", { pokeInterval: "5s", timeout: "1m", mode: "reschedule", softFail: true }, () => true);
      shell("sh", { command: "echo {{ ds }}", env: { A: "1" } });
      branch("br", () => "sh")();
      shortCircuit("sc", () => false)();
    });
    const s = d.serialize(rawCron);
    expect(s.schedule).toEqual({ kind: "cron", expression: "0 3 * * *" });
    expect(s.startDate).toBe("2026-01-01T00:00:00.000Z");
    expect(s.endDate).toBe("2026-02-01T10:00:00.000Z");
    expect(s.tasks.find((t) => t.id === "wait")!.sensor).toEqual({ pokeIntervalMs: 5000, timeoutMs: 60000, mode: "reschedule", softFail: true, exponentialBackoff: false });
    expect(s.tasks.find((t) => t.id === "sh")!.shell).toEqual({ command: "echo {{ ds }}", env: { A: "1" }, cwd: null });
    expect(s.tasks.map((t) => t.kind).sort()).toEqual(["branch", "sensor", "shell", "short_circuit"]);
    expect(isDag(d)).toBe(true);
  });

  it("carries isPausedUponCreation into the serialized dag only when given, and rejects a non-boolean naming the field", () => {
    const body = () => void shell("x", { command: "true" });
    expect(dag({ id: "unpaused", isPausedUponCreation: false }, body).serialize(noSchedule).isPausedUponCreation).toBe(false);
    expect(dag({ id: "paused", isPausedUponCreation: true }, body).serialize(noSchedule).isPausedUponCreation).toBe(true);
    // Absent, so that DAGs written before the option keep their version hash.
    expect(dag({ id: "default" }, body).serialize(noSchedule)).not.toHaveProperty("isPausedUponCreation");
    expect(() => dag({ id: "bad", isPausedUponCreation: "false" as never }, body))
      .toThrow(/^dag "bad": isPausedUponCreation: .*expected boolean, received string$/);
  });

  it("requires a startDate for a scheduled dag and reads offset-less times as UTC", () => {
    const d = dag({ id: "nostart", schedule: "@daily" }, () => void shell("x", { command: "true" }));
    expect(() => d.serialize(rawCron)).toThrow('dag "nostart": a scheduled dag needs a startDate');
    expect(toUtcIso("2026-03-01T05:00", "f")).toBe("2026-03-01T05:00:00.000Z");
    expect(() => toUtcIso("yesterday", "startDate")).toThrow('startDate: "yesterday" is not an ISO date');
  });

  describe("definitions for ctx.submit", () => {
    it("knows definitions made before dag() or inside its body that are not called, with options resolved", () => {
      const square = task({ id: "square", retries: 4 }, (_ctx, n: number) => n * n);
      const d = dag({ id: "fanout", defaultArgs: { retryDelay: "2s", pool: "p" } }, () => {
        task("inner", (_ctx, s: string) => s.length);
        task("root", () => 1)();
      });
      expect([...d.tasks.keys()]).toEqual(["root"]);
      expect([...d.submittable.keys()]).toEqual(["square", "inner"]);
      expect(d.task("square").fn).toBe(definitionOf(square)!.fn);
      expect(d.task("square").spec).toMatchObject({ id: "square", kind: "task", upstream: [], args: [], expand: null, retries: 4, retryDelayMs: 2000, pool: "p", priorityWeight: 1 });
      const s = d.serialize(noSchedule);
      expect(s.tasks.map((t) => t.id)).toEqual(["root"]);
      expect(s.submittable!.map((t) => t.id)).toEqual(["square", "inner"]);
    });

    it("leaves out a definition called as a task of the DAG: that id names the task", () => {
      const both = task("both", () => 1);
      const d = dag({ id: "called" }, () => void both());
      expect(d.submittable.has("both")).toBe(false);
      expect(d.task("both").spec.kind).toBe("task");
    });

    it("gives every DAG of a file the top-level definitions above it; a definition after a dag() call starts afresh", () => {
      const helper = task("helper", () => 1);
      const one = dag({ id: "one" }, () => void task("a", () => 1)());
      const two = dag({ id: "two" }, () => void task("b", () => 1)());
      const late = branch("late", () => null);
      const three = dag({ id: "three" }, () => void task("c", () => 1)());
      expect([...one.submittable.keys()]).toEqual(["helper"]);
      expect([...two.submittable.keys()]).toEqual(["helper"]);
      expect([...three.submittable.keys()]).toEqual(["late"]);
      expect(definitionOf(helper)).toMatchObject({ id: "helper", kind: "task" });
      expect(definitionOf(late)).toMatchObject({ id: "late", kind: "branch" });
      expect(definitionOf(() => 1)).toBeNull();
    });

    it("accepts JSON arguments and refuses task outputs and other values, naming the argument", () => {
      expect(checkSubmitArgs("w", [1, "a", null, [true], { k: { n: 2 } }, undefined])).toEqual([1, "a", null, [true], { k: { n: 2 } }, null]);
      let out: unknown;
      dag({ id: "outs" }, () => {
        out = task("x", () => 1)();
      });
      expect(() => checkSubmitArgs('dag "d": ctx.submit of task "t"', [1, out])).toThrow('dag "d": ctx.submit of task "t": argument 2 is a task output');
      expect(() => checkSubmitArgs("w", [new Date()])).toThrow("w: argument 1 must be a JSON value");
      expect(() => checkSubmitArgs("w", [Number.NaN])).toThrow(/argument 1 must be a JSON value/);
    });
  });
});

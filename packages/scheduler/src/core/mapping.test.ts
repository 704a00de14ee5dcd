// Runtime mapping over more elements than one chunk: instances are made (and written) a chunk
// at a time, the downstream waits for the last one, and a scheduler that stops halfway makes
// the rest when the run is resumed. Real threads, a real libSQL file.
import { afterEach, describe, expect, it } from "vitest";
import { and, count, eq } from "drizzle-orm";
import { ThreadsExecutor } from "@updraft/executor";
import { taskInstance, xcom, type Store } from "@updraft/store";
import { MAP_CHUNK } from "./mapping.ts";
import { Scheduler } from "./scheduler.ts";
import { SchedulerTaskHost } from "./task-host.ts";
import { TaskLogWriter } from "./task-logs.ts";
import { dagFile, isTaskEvent, testEngines } from "../testing/engine.ts";

const engines = testEngines();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  await engines.cleanup();
});

const mappedDag = (n: number) => dagFile(`
export default dag({ id: "wide", maxActiveTasks: 32 }, () => {
  const make = task("make", () => Array.from({ length: ${n} }, (_, i) => i));
  const inc = task("inc", (_ctx, x: number) => x + 1);
  const total = task("total", (_ctx, xs: number[]) => [xs.length, xs.reduce((a, b) => a + b, 0), xs.every((x, i) => x === i + 1)]);
  total(inc.expand(make()));
});`);

const instances = async (store: Store, taskId: string) =>
  (await store.db.select({ n: count() }).from(taskInstance).where(and(eq(taskInstance.dagId, "wide"), eq(taskInstance.taskId, taskId))))[0]!.n;
const totalOf = async (store: Store) =>
  (await store.db.select({ value: xcom.value }).from(xcom).where(and(eq(xcom.dagId, "wide"), eq(xcom.taskId, "total"), eq(xcom.key, "return_value"))))[0]?.value;
const sumTo = (n: number) => (n * (n + 1)) / 2;

describe("what a mapped task maps over (Airflow's rules)", { timeout: 60_000 }, () => {
  const rows = async (store: Store, dagId: string) =>
    Object.fromEntries((await store.db.select().from(taskInstance).where(eq(taskInstance.dagId, dagId))).map((r) => [r.taskId, [r.state, r.tryNumber]]));

  it("fails the upstream that pushed a non-list (its retries apply), and the mapped task is upstream_failed", async () => {
    const e = await engines.open();
    await e.writeDag("bad_source.ts", dagFile(`
export default dag({ id: "bad_source" }, () => {
  const make = task({ id: "make", retries: 1, retryDelay: "10ms" }, () => 42);
  const inc = task("inc", (_ctx, x: number) => x + 1);
  inc.expand(make());
});`));
    await e.parseOk();
    await e.start();
    const { runId } = await e.scheduler.triggerRun("bad_source");
    expect(await e.waitForRun("bad_source", runId)).toBe("failed");
    await e.scheduler.flushed();
    expect(await rows(e.store, "bad_source")).toEqual({ make: ["failed", 2], inc: ["upstream_failed", 0] });
    const history = await e.store.client.execute("SELECT error FROM task_instance_history WHERE task_id = 'make'");
    expect(JSON.parse(String(history.rows[0]!.error))).toMatchObject({
      name: "UnmappableXComTypePushed",
      message: 'task "make" pushed a number (42) as XCom "return_value", but task "inc" maps over it with expand(): it must be a list',
    });
  });

  it("fails an upstream that pushed a non-list under a .zip() or .map() the mapped task expands over", async () => {
    const e = await engines.open();
    await e.writeDag("bad_zip.ts", dagFile(`
export default dag({ id: "bad_zip" }, () => {
  const good = task("good", () => [1, 2]);
  const make = task("make", () => "not a list");
  const add = task("add", (_ctx, p: [number, string]) => p);
  add.expand(good().zip(make().map((x) => x)));
});`));
    await e.parseOk();
    await e.start();
    const { runId } = await e.scheduler.triggerRun("bad_zip");
    expect(await e.waitForRun("bad_zip", runId)).toBe("failed");
    await e.scheduler.flushed();
    expect(await rows(e.store, "bad_zip")).toEqual({ good: ["success", 1], make: ["failed", 1], add: ["upstream_failed", 0] });
    const history = await e.store.client.execute("SELECT error FROM task_instance_history WHERE task_id = 'make'");
    expect(JSON.parse(String(history.rows[0]!.error))).toMatchObject({ name: "UnmappableXComTypePushed" });
  });

  it("expands over a .zip() of an output and a literal list, as long as the shorter one", async () => {
    const e = await engines.open();
    await e.writeDag("zip_literal.ts", dagFile(`
export default dag({ id: "zip_literal" }, () => {
  const make = task("make", () => [1, 2, 3]);
  const add = task("add", (_ctx, p: [number, string]) => p.join());
  add.expand(make().zip(["a", "b"]));
});`));
    await e.parseOk();
    await e.start();
    const { runId } = await e.scheduler.triggerRun("zip_literal");
    expect(await e.waitForRun("zip_literal", runId)).toBe("success");
    await e.scheduler.flushed();
    const values = await e.store.db.select({ i: xcom.mapIndex, v: xcom.value }).from(xcom).where(and(eq(xcom.dagId, "zip_literal"), eq(xcom.taskId, "add")));
    expect(values.sort((a, b) => a.i - b.i).map((x) => x.v)).toEqual(["1,a", "2,b"]);
  });

  it("makes the mapped task upstream_failed when its upstream pushed nothing", async () => {
    const e = await engines.open();
    await e.writeDag("no_source.ts", dagFile(`
export default dag({ id: "no_source" }, () => {
  const make = task("make", () => undefined as unknown as number[]);
  const inc = task("inc", (_ctx, x: number) => x + 1);
  inc.expand(make());
});`));
    await e.parseOk();
    await e.start();
    const { runId } = await e.scheduler.triggerRun("no_source");
    expect(await e.waitForRun("no_source", runId)).toBe("failed");
    await e.scheduler.flushed();
    expect(await rows(e.store, "no_source")).toEqual({ make: ["success", 1], inc: ["upstream_failed", 0] });
  });
});

describe("mapping in chunks", { timeout: 120_000 }, () => {
  it("maps over several chunks' worth of elements, never holding much more than a chunk waiting, and the reducer starts only after the last instance", async () => {
    const n = 4 * MAP_CHUNK + 7;
    const e = await engines.open();
    await e.writeDag("wide.ts", mappedDag(n));
    await e.parseOk();
    await e.start();
    const { runId } = await e.scheduler.triggerRun("wide");
    expect(await e.waitForRun("wide", runId)).toBe("success");
    await e.scheduler.flushed();
    expect(await instances(e.store, "inc")).toBe(n);
    expect(await totalOf(e.store)).toEqual([n, sumTo(n), true]);
    const order = e.events.filter(isTaskEvent);
    const lastInc = order.findLastIndex((x) => x.taskId === "inc" && x.state === "success");
    const totalQueued = order.findIndex((x) => x.taskId === "total" && x.state === "scheduled");
    expect(totalQueued).toBeGreaterThan(lastInc);
    // Instances are made as earlier ones are handed out: never all n waiting at once.
    let waiting = 0;
    let most = 0;
    for (const x of order) {
      if (x.taskId !== "inc") continue;
      if (x.state === "scheduled") waiting++;
      if (x.state === "queued") waiting--;
      most = Math.max(most, waiting);
    }
    expect(most).toBeLessThanOrEqual(2 * MAP_CHUNK);
    expect(most).toBeGreaterThanOrEqual(MAP_CHUNK);
  });

  it("makes the instances a stopped scheduler had not made yet when the run is resumed", async () => {
    const n = 10 * MAP_CHUNK;
    const e = await engines.open({ scheduler: { exclusive: true } });
    await e.writeDag("wide.ts", mappedDag(n));
    await e.parseOk();
    await e.start();
    const { runId } = await e.scheduler.triggerRun("wide");
    await e.waitForEvent((x) => isTaskEvent(x) && x.taskId === "inc" && x.state === "running", "the first mapped instance to run");
    await e.scheduler.stop();
    const madeBeforeStop = await instances(e.store, "inc");
    expect(madeBeforeStop).toBeGreaterThan(0);
    expect(madeBeforeStop).toBeLessThan(n);

    // A second scheduler on the same database adopts the run and makes the rest.
    const store = await e.openStore();
    const logs = new TaskLogWriter();
    const host = new SchedulerTaskHost(store, logs);
    const executor = new ThreadsExecutor({ host, maxThreads: 2 });
    const second = new Scheduler({ store, executor, host, logs, home: e.home, sweepMs: 100, exclusive: true, scheduleRuns: false });
    cleanups.push(() => second.stop());
    await executor.start();
    await second.start();
    expect(await second.waitForRun("wide", runId)).toBe("success");
    await second.flushed();
    expect(await instances(store, "inc")).toBe(n);
    expect(await totalOf(store)).toEqual([n, sumTo(n), true]);
  });
});

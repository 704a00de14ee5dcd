// The workers view's model: rows from the endpoint's answer, tries laid out in lanes that never
// move, and live task and worker events applied in place.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { TaskEvent, WorkerEvent } from "../../shared/event-stream.ts";
import { barState, MINUTE_MS, WorkersModel } from "./workers-model.ts";
import type { TryJson, UiWorkersJson, WorkerJson } from "./workers-types.ts";

const T0 = Date.parse("2026-03-04T10:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();

function worker(extra: Partial<WorkerJson> = {}): WorkerJson {
  return {
    worker_id: "w1", name: "edge-1", hostname: "edge", pid: 7, version: "0.1.0", address: "10.0.0.2", queues: ["default"], capacity: 2,
    state: "online", running: 0, tries: [], tasks_done: 5, tasks_failed: 1, connected_at: iso(T0 - 600_000), last_heartbeat: iso(T0 - 2_000), lost_at: null,
    ...extra,
  };
}

function tryOf(task: string, hostname: string, start: number, end: number | null, state: string | null = end === null ? "running" : "success"): TryJson {
  return { dag_id: "d", run_id: "r", task_id: task, map_index: -1, try_number: 1, state, hostname, start_date: iso(start), end_date: end === null ? null : iso(end) };
}

function data(extra: Partial<UiWorkersJson> = {}): UiWorkersJson {
  return {
    now: iso(T0), window_minutes: 10, scheduler: true,
    local: {
      executor: "threads", hostname: "sched", queues: ["default"], running: 0, queued: 0, capacity: 4, tasks_done: 3, tasks_failed: 0,
      started_at: iso(T0 - 3_600_000), threads: [{ name: "thread-1", state: "ready", jobs: 0, jobs_run: 3, heap_used_mb: 12 }, { name: "thread-2", state: "ready", jobs: 0, jobs_run: 0, heap_used_mb: 10 }],
    },
    workers: [worker()], tries: [], tries_truncated: false, throughput: [], ...extra,
  };
}

const task = (taskId: string, state: string, at: number, hostname: string | null = "edge-1"): TaskEvent =>
  ({ type: "task", dag_id: "d", run_id: "r", task_id: taskId, map_index: -1, state, try_number: 1, hostname, at: iso(at) });

describe("WorkersModel", () => {
  // The browser's clock reads T0 (the model draws on the server's clock, offset from it).
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
  });
  afterAll(() => {
    vi.useRealTimers();
  });

  it("lists the pool first, then the remote workers, with lanes per thread and per slot of capacity", () => {
    const m = new WorkersModel();
    m.load(data(), T0);
    expect(m.rows.map((r) => [r.id, r.kind, r.capacity])).toEqual([["local", "local", 4], ["w1", "remote", 2]]);
    expect(m.lines().map((l) => l.label)).toEqual(["thread-1", "thread-2", "slot 1", "slot 2"]);
    expect(m.lines().filter((l) => l.first).map((l) => l.row)).toEqual(["local", "w1"]);
  });

  it("puts a try on its thread, a remote try in the first free slot, and one more slot only when they overlap", () => {
    const m = new WorkersModel();
    m.load(data({
      tries: [
        tryOf("a", "sched/thread-2", T0 - 50_000, T0 - 40_000),
        tryOf("b", "edge-1", T0 - 50_000, T0 - 30_000),
        tryOf("c", "edge-1", T0 - 45_000, null),
        // Starts 1.2 s before b's end reached the server: the same slot.
        tryOf("d", "edge-1", T0 - 31_200, T0 - 10_000),
        tryOf("e", "edge-1", T0 - 29_000, T0 - 20_000),
      ],
    }), T0);
    const where = Object.fromEntries(m.bars.map((b) => [b.taskId, `${b.row}/${b.lane}/${b.slot}`]));
    expect(where).toEqual({ a: "local/thread-2/0", b: "w1//0", c: "w1//1", d: "w1//0", e: "w1//2" });
    expect(m.lines().map((l) => l.label)).toEqual(["thread-1", "thread-2", "slot 1", "slot 2", "slot 3"]);
  });

  it("keeps each bar in its lane across a resync", () => {
    const m = new WorkersModel();
    m.load(data({ tries: [tryOf("long", "edge-1", T0 - 50_000, null)] }), T0);
    m.applyTask(task("short", "running", T0 + 1_000));
    expect(m.bars.find((b) => b.taskId === "short")!.slot).toBe(1);
    // The long one ends; a fresh load would put "short" in slot 0 — it stays in slot 1.
    m.load(data({ now: iso(T0 + 5_000), tries: [tryOf("long", "edge-1", T0 - 50_000, T0 + 2_000), tryOf("short", "edge-1", T0 + 1_000, null)] }), T0 + 5_000);
    expect(m.bars.find((b) => b.taskId === "short")!.slot).toBe(1);
  });

  it("opens a bar when a try starts and closes it when it ends, counting it for its worker and minute", () => {
    const m = new WorkersModel();
    m.load(data(), T0);
    expect(m.applyTask(task("t", "running", T0 + 1_000))).toBe(true);
    const row = m.rows.find((r) => r.id === "w1")!;
    expect(row.running).toBe(1);
    expect(row.tries.map((t) => [t.task_id, t.started])).toEqual([["t", true]]);
    expect(m.bars[0]).toMatchObject({ taskId: "t", state: "running", end: null, row: "w1" });
    expect(m.applyTask(task("t", "up_for_retry", T0 + 4_000))).toBe(true);
    expect(m.bars[0]).toMatchObject({ state: "failed", end: T0 + 4_000 });
    expect([row.running, row.done, row.failed, row.tries.length]).toEqual([0, 6, 2, 0]);
    expect(m.series(row, 2).at(-1)).toEqual({ minute: Math.floor((T0 + 4_000) / MINUTE_MS) * MINUTE_MS, done: 1, failed: 1 });
    // A second end of the same try changes nothing.
    expect(m.applyTask(task("t", "failed", T0 + 5_000))).toBe(false);
  });

  it("moves a try back into the slot of the one before once that one's late end arrives", () => {
    const m = new WorkersModel();
    m.load(data(), T0);
    m.applyTask(task("a", "running", T0 + 1_000, "sched/thread-1"));
    // The thread starts b before the scheduler has handled a's result.
    m.applyTask(task("b", "running", T0 + 5_000, "sched/thread-1"));
    expect(m.bars.find((b) => b.taskId === "b")!.slot).toBe(1);
    expect(m.lines().filter((l) => l.lane === "thread-1")).toHaveLength(2);
    m.applyTask(task("a", "success", T0 + 5_400, "sched/thread-1"));
    expect(m.bars.find((b) => b.taskId === "b")!.slot).toBe(0);
    expect(m.lines().filter((l) => l.lane === "thread-1")).toHaveLength(1);
  });

  it("keeps short tries that ran at once on a worker's slots apart, live and on a resync", () => {
    const m = new WorkersModel();
    m.load(data(), T0);
    m.applyTask(task("x", "running", T0 + 1_000));
    m.applyTask(task("y", "running", T0 + 2_000));
    // x ends while y runs: y ran beside it on the worker's second slot, and stays there.
    m.applyTask(task("x", "success", T0 + 2_500));
    m.applyTask(task("y", "success", T0 + 3_000));
    const slots = () => Object.fromEntries(m.bars.map((b) => [b.taskId, b.slot]));
    expect(slots()).toEqual({ x: 0, y: 1 });
    const fresh = new WorkersModel();
    fresh.load(data({ now: iso(T0 + 5_000), tries: [tryOf("x", "edge-1", T0 + 1_000, T0 + 2_500), tryOf("y", "edge-1", T0 + 2_000, T0 + 3_000)] }), T0 + 5_000);
    expect(Object.fromEntries(fresh.bars.map((b) => [b.taskId, b.slot]))).toEqual({ x: 0, y: 1 });
  });

  it("counts a worker's prefetched try as running once it starts, and the pool's queued tries down as they start", () => {
    const m = new WorkersModel();
    const held = { key: "d/r/p/-1/1", dag_id: "d", dag_run_id: "r", task_id: "p", map_index: -1, try_number: 1, started: false };
    const d = data({ workers: [worker({ tries: [held] })] });
    d.local!.queued = 2;
    m.load(d, T0);
    const remote = m.rows.find((r) => r.id === "w1")!;
    const local = m.rows.find((r) => r.id === "local")!;
    expect([remote.waiting, local.waiting]).toEqual([1, 2]);
    m.applyTask(task("p", "running", T0 + 1_000));
    m.applyTask(task("q", "running", T0 + 1_000, "sched/thread-1"));
    expect([remote.waiting, remote.running, remote.tries.length, local.waiting]).toEqual([0, 1, 1, 1]);
    m.applyTask(task("p", "success", T0 + 2_000));
    expect([remote.running, remote.tries.length]).toEqual([0, 0]);
  });

  it("ignores queued instances, snapshots and tries with no host", () => {
    const m = new WorkersModel();
    m.load(data(), T0);
    expect(m.applyTask(task("q", "queued", T0))).toBe(false);
    expect(m.applyTask({ ...task("s", "running", T0), snapshot: true })).toBe(false);
    expect(m.applyTask(task("h", "running", T0, null))).toBe(false);
    expect(m.bars).toEqual([]);
  });

  it("draws the tries of a host it no longer knows under that host, out of the table", () => {
    const m = new WorkersModel();
    m.load(data({ tries: [tryOf("old", "oldbox/thread-3", T0 - 9_000, T0 - 8_000)] }), T0);
    expect(m.rows.map((r) => r.id)).toEqual(["local", "w1"]);
    expect(m.lines().at(-1)).toMatchObject({ row: "host:oldbox", lane: "thread-3", label: "thread-3" });
  });

  it("applies a worker's events: a new worker joins, a known one is lost, its minutes kept", () => {
    const m = new WorkersModel();
    m.load(data({ throughput: [{ hostname: "edge-1", minute: iso(T0 - MINUTE_MS), done: 4, failed: 0 }] }), T0);
    const ev = (event: string, w: WorkerJson): WorkerEvent => ({ type: "worker", event, worker: w as unknown as Record<string, unknown>, at: iso(T0) });
    expect(m.applyWorker(ev("joined", worker({ worker_id: "w2", name: "gpu-1", capacity: 1 })))).toBe(true);
    expect(m.rows.map((r) => r.name)).toEqual(["Scheduler threads", "edge-1", "gpu-1"]);
    m.applyWorker(ev("lost", worker({ state: "lost", capacity: 3 })));
    const row = m.rows.find((r) => r.id === "w1")!;
    expect(row.state).toBe("lost");
    expect(m.series(row, 2)[0]!.done).toBe(4);
    expect(m.lines().filter((l) => l.row === "w1")).toHaveLength(3);
  });

  it("drops the bars that ended before the window", () => {
    const m = new WorkersModel();
    m.load(data({ tries: [tryOf("old", "edge-1", T0 - 400_000, T0 - 390_000), tryOf("new", "edge-1", T0 - 10_000, T0 - 5_000)] }), T0);
    expect(m.prune(300_000)).toBe(true);
    expect(m.bars.map((b) => b.taskId)).toEqual(["new"]);
  });

  it("reads the server's clock from the answer", () => {
    const m = new WorkersModel();
    m.load(data(), T0 - 3_000);
    expect(m.skew).toBe(3_000);
  });
});

describe("barState", () => {
  it("shows a try that ended in a retry or an interruption as failed", () => {
    expect(["success", "skipped", "up_for_retry", "scheduled", "failed", "up_for_reschedule", null].map(barState))
      .toEqual(["success", "skipped", "failed", "failed", "failed", "up_for_reschedule", "failed"]);
  });
});

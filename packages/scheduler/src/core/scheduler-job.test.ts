// The scheduler's lease: claiming and taking over (the epoch goes up), fencing (a commit under an
// epoch that is no longer current is refused in its own transaction), the monotonic local
// deadline (a frozen process distrusts its lease when it wakes), and a scheduler that loses its
// lease stops and records nothing more.
import { spawnSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { dagRun, eventLog, job, migrateStore, openStore, schedulerLease, type Store } from "@updraft/store";
import { GroupCommitWriter } from "./group-commit.ts";
import { SchedulerJob, SchedulerLeaseLostError, isLeaseLost } from "./scheduler-job.ts";
import { dagFile, testEngines } from "../testing/engine.ts";

const stores: Store[] = [];
const engines = testEngines();
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await engines.cleanup();
});

async function memoryStore(): Promise<Store> {
  const store = await openStore({ url: ":memory:" });
  stores.push(store);
  await migrateStore(store);
  return store;
}

/** What another scheduler sees once the holder has stopped renewing for a whole lease. */
const runOut = (store: Store) => store.write((tx) => tx.update(schedulerLease).set({ expiresAt: 0 }));

/** Blocks this whole process (event loop and all), as SIGSTOP or a long GC pause would. */
const freeze = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

const logRow = (event: string) => ({ kind: "sql" as const, statement: { sql: "INSERT INTO log (dttm, event) VALUES (?, ?)", args: [Date.now(), event] } });

describe("the scheduler lease", () => {
  it("is claimed at epoch 1, refused to a second claimant while its holder lives, and taken over at epoch 2 once it runs out", async () => {
    const store = await memoryStore();
    const a = new SchedulerJob(store, { leaseMs: 60_000 });
    await a.claim();
    expect(a.lease?.epoch).toBe(1);

    const b = new SchedulerJob(store, { leaseMs: 60_000 });
    await expect(b.claim()).rejects.toThrow(/^another scheduler is running on this database \(pid \d+ on .+: this very process, job \d+\); stop it first$/);

    await runOut(store);
    await b.claim();
    expect(b.lease?.epoch).toBe(2);
    const [lease] = await store.db.select().from(schedulerLease);
    expect([lease!.epoch, lease!.holder]).toEqual([2, b.lease!.jobId]);
    const [old] = await store.db.select().from(job).where(eq(job.id, a.lease!.jobId));
    expect(old!.state).toBe("failed");
  });

  it("is taken over at once, though it has not run out, when its holder on this host has exited", async () => {
    const store = await memoryStore();
    const a = new SchedulerJob(store, { leaseMs: 60_000 });
    await a.claim();
    const gone = spawnSync(process.execPath, ["-e", "process.pid"]).pid; // a pid that has just exited
    await store.write((tx) => tx.update(schedulerLease).set({ pid: gone }));
    const b = new SchedulerJob(store, { leaseMs: 60_000 });
    await b.claim();
    expect(b.lease?.epoch).toBe(2);
  });

  it("refuses, in the same transaction, a group commit made under an epoch that is no longer current", async () => {
    const store = await memoryStore();
    const a = new SchedulerJob(store, { leaseMs: 60_000 });
    await a.claim();
    const lost: SchedulerLeaseLostError[] = [];
    a.onLost((err) => lost.push(err));
    const errors: unknown[] = [];
    const writer = new GroupCommitWriter(store, { onError: (err) => errors.push(err), fence: () => a.fence() });
    let acted = 0;

    writer.write(logRow("a-before"));
    writer.afterCommit(() => acted++);
    await writer.idle();
    expect(acted).toBe(1);

    await runOut(store);
    const b = new SchedulerJob(store, { leaseMs: 60_000 });
    await b.claim();

    writer.write(logRow("a-after"));
    writer.afterCommit(() => acted++);
    await writer.idle();
    expect(acted).toBe(1); // nothing acted on behind the refused commit
    expect(errors).toHaveLength(1);
    expect(isLeaseLost(errors[0])).toBe(true);
    const events = (await store.db.select({ event: eventLog.event }).from(eventLog)).map((r) => r.event);
    expect(events).toEqual(["a-before"]); // the row of the refused batch was rolled back with it

    // The new holder's commits go through, and renew the lease.
    const writerB = new GroupCommitWriter(store, { onError: (err) => errors.push(err), fence: () => b.fence() });
    writerB.write(logRow("b"));
    await writerB.idle();
    expect((await store.db.select({ event: eventLog.event }).from(eventLog)).map((r) => r.event)).toEqual(["a-before", "b"]);
    expect(errors).toHaveLength(1);

    // A's heartbeat is refused too, and A knows its lease is lost.
    await expect(a.heartbeat()).rejects.toThrow(SchedulerLeaseLostError);
    expect(lost.map((e) => e.message)).toEqual(["the scheduler's lease (epoch 1) was taken over by another scheduler; its commit was refused"]);
    expect(a.check()).toBe(false);
  });

  it("is distrusted by its holder once the process wakes from a freeze longer than the lease, before it commits anything", async () => {
    const store = await memoryStore();
    const a = new SchedulerJob(store, { leaseMs: 200 });
    await a.claim();
    const lost: SchedulerLeaseLostError[] = [];
    a.onLost((err) => lost.push(err));
    expect(a.check()).toBe(true);
    freeze(300);
    expect(a.check()).toBe(false);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.message).toMatch(/^the scheduler's lease \(epoch 1\) was not renewed for \d+\.\ds, longer than its 0\.2s lease allows \(was this process paused\?\); another scheduler may have taken over$/);
  });

  it("keeps a lease that every commit renews", async () => {
    const store = await memoryStore();
    const a = new SchedulerJob(store, { leaseMs: 300 });
    await a.claim();
    const writer = new GroupCommitWriter(store, { onError: () => undefined, fence: () => a.fence() });
    for (let i = 0; i < 6; i++) {
      freeze(100); // shorter than the lease each time, and longer than it in all
      writer.write(logRow(`w${i}`));
      await writer.idle();
      expect(a.check()).toBe(true);
    }
  });
});

describe("a scheduler that loses its lease", { timeout: 60_000 }, () => {
  it("commits nothing more: a run it creates afterwards is refused with the lease error, and it stops", async () => {
    const e = await engines.open();
    await e.writeDag("one.ts", dagFile(`export default dag({ id: "one" }, () => { task("t", () => 1)(); });`));
    await e.parseOk();
    await e.start();
    const { runId } = await e.scheduler.triggerRun("one");
    expect(await e.waitForRunEnd("one", runId)).toBe("success");

    // Another scheduler takes the database over (the lease ran out while this one was frozen).
    const other = await e.openStore();
    await runOut(other);
    const b = new SchedulerJob(other, { leaseMs: 60_000 });
    await b.claim();

    await expect(e.scheduler.triggerRun("one", { runId: "after_takeover" })).rejects.toThrow(SchedulerLeaseLostError);
    expect(e.errors.map((err) => (err as Error).message)).toEqual(["the scheduler's lease (epoch 1) was taken over by another scheduler; its commit was refused"]);
    expect(await other.db.select().from(dagRun).where(eq(dagRun.runId, "after_takeover"))).toEqual([]);
    await expect(e.scheduler.triggerRun("one", { runId: "later" })).rejects.toThrow(SchedulerLeaseLostError);
    await e.scheduler.stop();
    // It leaves the job rows as the new holder set them: its own failed, the new one running.
    const rows = await other.db.select({ id: job.id, state: job.state }).from(job);
    expect(rows.map((r) => r.state).sort()).toEqual(["failed", "running"]);
  });
});

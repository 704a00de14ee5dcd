// `npm run bench`: the scheduler's throughput and latency on this machine, with every state
// change persisted to an embedded database file and tasks run in worker threads.
//   (a) fan-out: one task returns 10,000 numbers, 10,000 mapped no-op instances, one reducer;
//   (b) chain: 500 tasks in a line, each taking the previous one's output.
// Prints tasks per second, the median and p95 "hop" (from one task's success being committed
// to the next task running) and the process's peak RSS.
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir, cpus, totalmem } from "node:os";
import { join } from "node:path";
import { openStore, migrateStore } from "@updraft/store";
import { DagProcessor, Scheduler, SchedulerTaskHost, TaskLogWriter, preciseNow } from "@updraft/scheduler";
import { ThreadsExecutor } from "@updraft/executor";

const FAN_OUT = Number(process.env.BENCH_FAN_OUT ?? 10_000);
const CHAIN = Number(process.env.BENCH_CHAIN ?? 500);

const FANOUT_DAG = `import { dag, task } from "@updraft/sdk";
export default dag({ id: "bench_fanout" }, () => {
  const make = task("make", () => Array.from({ length: ${FAN_OUT} }, (_, i) => i));
  const noop = task("noop", (_ctx, i: number) => i);
  const reduce = task("reduce", (_ctx, xs: number[]) => xs.length);
  reduce(noop.expand(make()));
});
`;

const CHAIN_DAG = `import { dag, task } from "@updraft/sdk";
export default dag({ id: "bench_chain" }, () => {
  const step = task("step", (_ctx, n: number) => n + 1);
  let out = step(0);
  for (let i = 1; i < ${CHAIN}; i++) out = step(out);
});
`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "updraft-bench-"));
  await mkdir(join(dir, "dags"));
  await writeFile(join(dir, "dags", "bench_fanout.ts"), FANOUT_DAG);
  await writeFile(join(dir, "dags", "bench_chain.ts"), CHAIN_DAG);

  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);

  const store = await openStore({ url: `file:${join(dir, "updraft.db")}` });
  await migrateStore(store);
  const processor = new DagProcessor({ store, dagsFolder: join(dir, "dags"), home: dir, dagsArePausedAtCreation: false });
  for (const r of await processor.processAll()) if (r.error) throw new Error(r.error);

  const logs = new TaskLogWriter();
  const host = new SchedulerTaskHost(store, logs);
  const executor = new ThreadsExecutor({ host, minThreads: Math.max(2, cpus().length) });
  const scheduler = new Scheduler({ store, executor, host, logs, home: dir, scheduleRuns: false, exclusive: false });
  await executor.start();
  await scheduler.start();

  // (a) fan-out
  const t0 = preciseNow();
  const fan = await scheduler.triggerRun("bench_fanout");
  const fanState = await scheduler.waitForRun("bench_fanout", fan.runId);
  const fanMs = preciseNow() - t0;
  const fanTasks = FAN_OUT + 2;

  // (b) chain: success committed (event delivered after commit) -> next task handed to a thread.
  const committed = new Map<string, number>();
  const finished = new Map<string, number>();
  const started = new Map<string, number>();
  scheduler.onEvent((e) => {
    if (e.type === "task" && e.dagId === "bench_chain" && e.state === "success") committed.set(e.taskId, preciseNow());
  });
  executor.onEvent((e) => {
    if (!e.key.startsWith("bench_chain/")) return;
    if (e.type === "started") started.set(e.key.split("/")[2]!, preciseNow());
    else finished.set(e.key.split("/")[2]!, preciseNow());
  });
  const t1 = preciseNow();
  const chain = await scheduler.triggerRun("bench_chain");
  const chainState = await scheduler.waitForRun("bench_chain", chain.runId);
  const chainMs = preciseNow() - t1;
  // Two hops per link: from the predecessor's success being committed (the measure), and
  // from its result reaching the scheduler (so the group commit itself is included).
  const hops: number[] = [];
  const resultHops: number[] = [];
  for (let i = 1; i < CHAIN; i++) {
    const prevId = i === 1 ? "step" : `step__${i - 1}`;
    const next = started.get(`step__${i}`);
    if (next === undefined) continue;
    if (committed.has(prevId)) hops.push(next - committed.get(prevId)!);
    if (finished.has(prevId)) resultHops.push(next - finished.get(prevId)!);
  }
  hops.sort((a, b) => a - b);
  resultHops.sort((a, b) => a - b);

  await scheduler.stop();
  await executor.stop({ graceful: true });
  const writes = scheduler.writerStats;
  await store.close();
  clearInterval(sampler);
  await rm(dir, { recursive: true, force: true });

  const result = {
    machine: `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}`,
    fanout: { tasks: fanTasks, state: fanState, seconds: +(fanMs / 1000).toFixed(2), tasksPerSecond: Math.round(fanTasks / (fanMs / 1000)) },
    chain: {
      tasks: CHAIN, state: chainState, seconds: +(chainMs / 1000).toFixed(2), tasksPerSecond: Math.round(CHAIN / (chainMs / 1000)),
      hopMedianMs: +percentile(hops, 50).toFixed(3), hopP95Ms: +percentile(hops, 95).toFixed(3),
      resultToNextMedianMs: +percentile(resultHops, 50).toFixed(3), resultToNextP95Ms: +percentile(resultHops, 95).toFixed(3),
    },
    commits: { transactions: writes.batches, rowOperations: writes.operations, statements: writes.statements },
    peakRssMiB: Math.round(peakRss / 2 ** 20),
  };
  console.log(`machine: ${result.machine}`);
  console.log(`fan-out: ${fanTasks} tasks (${FAN_OUT} mapped) in ${result.fanout.seconds}s = ${result.fanout.tasksPerSecond} tasks/s  [${fanState}]`);
  console.log(`chain:   ${CHAIN} tasks in ${result.chain.seconds}s = ${result.chain.tasksPerSecond} tasks/s  [${chainState}]`);
  console.log(`         hop, success committed -> next running: median ${result.chain.hopMedianMs} ms, p95 ${result.chain.hopP95Ms} ms`);
  console.log(`         hop, result received -> next running (incl. commit): median ${result.chain.resultToNextMedianMs} ms, p95 ${result.chain.resultToNextP95Ms} ms`);
  console.log(`commits: ${writes.operations} row changes as ${writes.statements} statements in ${writes.batches} transactions; peak RSS ${result.peakRssMiB} MiB`);
  console.log(JSON.stringify(result));
  if (fanState !== "success" || chainState !== "success") process.exitCode = 1;
}

await main();

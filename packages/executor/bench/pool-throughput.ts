// Throughput of the thread pool alone: pushes no-op jobs through it with the test fixture entry
// and prints jobs/s, then the cost of one hop (a single job's round trip, one at a time).
// Run: node bench/pool-throughput.ts [--jobs 20000] [--threads 2] [--prefetch 1] [--concurrency 1]
import { parseArgs } from "node:util";
import { ThreadPool } from "../src/threads/thread-pool.ts";
import type { TestJob } from "../src/threads/fixtures/test-entry.ts";

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "20000" },
    threads: { type: "string", default: "2" },
    prefetch: { type: "string", default: "1" },
    concurrency: { type: "string", default: "1" },
    rounds: { type: "string", default: "3" },
  },
});
const jobs = Number(values.jobs);
const threads = Number(values.threads);

const pool = new ThreadPool<TestJob, unknown>({
  entry: new URL("../src/threads/fixtures/test-entry.ts", import.meta.url),
  minThreads: threads,
  maxThreads: threads,
  prefetch: Number(values.prefetch),
  concurrencyPerThread: Number(values.concurrency),
  host: { greet: (name: string) => name, record: () => {} },
});
await pool.start();

// Warm up: JIT both sides, learn the job duration (prefetch waits for it).
await Promise.all(Array.from({ length: 2_000 }, () => pool.run({ op: "noop" })));

for (let round = 1; round <= Number(values.rounds); round++) {
  const t0 = performance.now();
  const all: Promise<unknown>[] = new Array(jobs);
  for (let i = 0; i < jobs; i++) all[i] = pool.run({ op: "noop" }, { key: `r${round}-${i}` });
  await Promise.all(all);
  const seconds = (performance.now() - t0) / 1000;
  console.log(`round ${round}: ${jobs} no-op jobs on ${threads} threads in ${seconds.toFixed(3)}s = ${Math.round(jobs / seconds)} jobs/s`);
}

const hops = 2_000;
const t1 = performance.now();
for (let i = 0; i < hops; i++) await pool.run({ op: "noop" });
const hopUs = ((performance.now() - t1) / hops) * 1000;
console.log(`one hop (a single job's round trip, nothing else queued): ${hopUs.toFixed(1)} µs`);

await pool.close();

// Integration tests of the DAG parser's isolation and fairness: real DAG files in a temp folder,
// bundled by esbuild and loaded in child processes, written to a real libSQL file database.
// Files that hang, hog the heap or hog off-heap memory must cost their limit once, become import
// errors naming the limit, and not delay good files.
import { afterEach, describe, expect, it } from "vitest";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { spawn } from "node:child_process";
import { eq } from "drizzle-orm";
import { dag, importError, migrateStore, openStore, type Store } from "@updraft/store";
import { DagProcessor, type DagProcessorOptions, type FileResult } from "./dag-processor.ts";

interface Fixture {
  dir: string;
  dags: string;
  store: Store;
  processor: DagProcessor;
  write(name: string, source: string): Promise<string>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function fixture(opts: Partial<DagProcessorOptions> = {}): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), "updraft-parse-"));
  const dags = join(dir, "dags");
  await mkdir(dags);
  const store = await openStore({ url: `file:${join(dir, "updraft.db")}` });
  await migrateStore(store);
  cleanups.push(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  const processor = new DagProcessor({ store, dagsFolder: dags, home: join(dir, "home"), ...opts });
  return { dir, dags, store, processor, write: async (name, source) => { const p = join(dags, name); await writeFile(p, source); return p; } };
}

const goodDag = (id: string) => `import { dag, task } from "@updraft/sdk";
export default dag({ id: "${id}" }, () => { task("only", () => 1)(); });
`;

/** A DAG file that appends a line to `counter` each time it is loaded, then never finishes loading. */
/**
 * A DAG file that never finishes loading: an endless loop ("spin"), or a blocking call at top
 * level that burns no CPU ("block", as a synchronous network call would).
 */
const hangingDag = (id: string, counter: string, note = "", how: "spin" | "block" = "spin") => `import { appendFileSync } from "node:fs";
import { dag, task } from "@updraft/sdk";
appendFileSync(${JSON.stringify(counter)}, \`\${process.pid}\\n\`);
(globalThis as Record<string, unknown>).note = ${JSON.stringify(note)};
${how === "spin" ? "for (;;) { /* never returns */ }" : "for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);"}
export default dag({ id: "${id}" }, () => { task("t", () => 1)(); });
`;

const loads = async (counter: string) => (await readFile(counter, "utf8").catch(() => "")).split("\n").filter(Boolean).length;
const byFile = (results: FileResult[], path: string) => results.find((r) => r.file === path)!;
const dagRow = async (store: Store, dagId: string) => (await store.db.select().from(dag).where(eq(dag.dagId, dagId)))[0];

describe("DagProcessor isolation", { timeout: 120_000 }, () => {
  it("loads a file that hangs once, not on every pass, until it changes", async () => {
    const f = await fixture({ parseTimeoutMs: 4_000, retryAfterFailureMs: 3_600_000 });
    const counter = join(f.dir, "loads.txt");
    const path = await f.write("loops.ts", hangingDag("loops", counter));
    await f.write("good.ts", goodDag("good"));

    const first = await f.processor.processAll();
    expect(byFile(first, path)).toMatchObject({ loaded: true, dagIds: [] });
    expect(byFile(first, path).error).toMatch(/did not finish loading within 4000ms \(UPDRAFT_PARSE_TIMEOUT.*\); parse abandoned/);
    expect(await loads(counter)).toBe(1);

    // Unchanged: the next passes report the same error without loading the file again.
    for (let pass = 0; pass < 3; pass++) {
      const again = await f.processor.processAll();
      expect(byFile(again, path)).toEqual({ file: path, dagIds: [], loaded: false, error: byFile(first, path).error });
    }
    expect(await loads(counter)).toBe(1);
    expect((await f.store.db.select().from(importError)).map((e) => e.filename)).toEqual([path]);

    // Changed: loaded again at once.
    await f.write("loops.ts", hangingDag("loops", counter, "edited"));
    const edited = await f.processor.processAll();
    expect(byFile(edited, path)).toMatchObject({ loaded: true });
    expect(await loads(counter)).toBe(2);
  });

  it("loads an unchanged failed file again once its back-off is over, and doubles the back-off", async () => {
    const f = await fixture({ retryAfterFailureMs: 3_000 });
    const counter = join(f.dir, "loads.txt");
    const path = await f.write("throws.ts", `import { appendFileSync } from "node:fs";
import { dag, task } from "@updraft/sdk";
appendFileSync(${JSON.stringify(counter)}, "loaded\\n");
throw new Error("the warehouse is down");
export default dag({ id: "throws" }, () => { task("t", () => 1)(); });
`);
    expect(byFile(await f.processor.processAll(), path).error).toMatch(/Error: the warehouse is down$/);
    expect(await loads(counter)).toBe(1);
    expect(byFile(await f.processor.processAll(), path).loaded).toBe(false);
    await sleep(3_100); // past the first back-off (3 s)
    expect(byFile(await f.processor.processAll(), path).loaded).toBe(true);
    expect(await loads(counter)).toBe(2);
    await sleep(3_100); // not past the second (6 s), counted from the end of the second load
    expect(byFile(await f.processor.processAll(), path).loaded).toBe(false);
    expect(await loads(counter)).toBe(2);
  });

  it.each([
    ["a heap hog", `const keep: number[][] = [];
for (let i = 0; i < 200; i++) keep.push(new Array(1_000_000).fill(i + 0.5));`],
    ["an off-heap Buffer hog", `const keep: Buffer[] = [];
for (let i = 0; i < 20; i++) keep.push(Buffer.alloc(50 * 1024 * 1024, 1));`],
  ])("records %s as an import error naming the memory cap, and this process's memory stays bounded", async (_what, hog) => {
    // Up to 1.6 GB (heap) or 1 GB (off-heap) if nothing stopped it, then it never finishes.
    const f = await fixture({ parseMemoryMb: 256, parseTimeoutMs: 60_000 });
    const path = await f.write("hog.ts", `import { dag, task } from "@updraft/sdk";
${hog}
for (;;) { /* hold it */ }
export default dag({ id: "hog" }, () => { task("t", () => keep.length)(); });
`);
    const goodPath = await f.write("good.ts", goodDag("good"));
    const rssBefore = process.memoryUsage.rss();
    const results = await f.processor.processAll();
    const grew = (process.memoryUsage.rss() - rssBefore) / 1024 / 1024;
    console.log(`${_what}: this process's RSS grew by ${grew.toFixed(0)} MB while parsing`);
    expect(byFile(results, path).error).toBe(`${path}: parsing used more than 256 MB (UPDRAFT_PARSE_MEMORY_MB); parse abandoned`);
    expect(byFile(results, goodPath)).toMatchObject({ dagIds: ["good"], error: null });
    const [err] = await f.store.db.select().from(importError);
    expect(err).toMatchObject({ filename: path });
    expect(err!.stackTrace).toContain("UPDRAFT_PARSE_MEMORY_MB");
    expect(grew).toBeLessThan(256);
  });

  it("loads a good file added next to three hanging files before the hanging files could time out a second time", async () => {
    const timeoutMs = 5_000;
    // No preemption here (slow only after a minute): each hanging file is loaded exactly once.
    const f = await fixture({ parseTimeoutMs: timeoutMs, parseParallelism: 2, parseSlowMs: 60_000, retryAfterFailureMs: 3_600_000 });
    const counter = join(f.dir, "loads.txt");
    for (const n of [1, 2, 3]) await f.write(`bad${n}.ts`, hangingDag(`bad${n}`, counter));
    const seen = new Map<string, number>();
    f.processor.onResult((r) => { if (!r.error && r.dagIds.length && !seen.has(r.dagIds[0]!)) seen.set(r.dagIds[0]!, performance.now()); });
    // The long-running loop: a pass every 200 ms that does not wait for slow files.
    let stop = false;
    const loop = (async () => {
      while (!stop) {
        await f.processor.processAll({ waitMs: 0 });
        await sleep(200);
      }
    })();
    cleanups.push(async () => { stop = true; await loop; });

    const started = performance.now();
    await sleep(300); // the three hanging files are loading now
    await f.write("good.ts", goodDag("good"));
    const written = performance.now();
    while (!seen.has("good")) await sleep(50);
    const firstLatency = seen.get("good")! - written;
    const sinceStart = seen.get("good")! - started;
    // Every hanging file has failed once by now, or will shortly: wait until all three have.
    while ((await f.store.db.select().from(importError)).length < 3) await sleep(100);

    // Steady state: the hanging files are in their back-off; a new good file takes a pass and its own load.
    await f.write("good2.ts", goodDag("good2"));
    const written2 = performance.now();
    while (!seen.has("good2")) await sleep(50);
    const steadyLatency = seen.get("good2")! - written2;
    console.log(`good file next to 3 hanging files (timeout ${timeoutMs} ms, parallelism 2): loaded ${firstLatency.toFixed(0)} ms after it was written ` +
      `(${sinceStart.toFixed(0)} ms after the first pass began); once they had failed: ${steadyLatency.toFixed(0)} ms`);
    expect(sinceStart).toBeLessThan(2 * timeoutMs);
    expect(await loads(counter)).toBe(3);
    expect((await dagRow(f.store, "good"))?.isActive).toBe(true);
    expect((await dagRow(f.store, "good2"))?.isActive).toBe(true);
  });

  it("at start-up, before anything has failed, loads a good file behind three hanging files long before they time out", { timeout: 300_000 }, async () => {
    // Nothing is known about the files yet: the hanging ones come first in file order and take
    // both slots. Each gives its slot up once it has run past parseSlowMs and a good file waits.
    // They block rather than spin, so what is measured is the slots' order, not how a loaded
    // machine shares its CPU between two endless loops and the good file's parse.
    // 40 s: under CI load the good file once took over 25 s to load even with its slot free.
    const timeoutMs = 40_000;
    const f = await fixture({ parseTimeoutMs: timeoutMs, parseSlowMs: 1_000, parseParallelism: 2, retryAfterFailureMs: 3_600_000 });
    const counter = join(f.dir, "loads.txt");
    const bad = [];
    for (const n of [1, 2, 3]) bad.push(await f.write(`a_bad${n}.ts`, hangingDag(`bad${n}`, counter, "", "block")));
    await f.write("z_good.ts", goodDag("good"));
    const results: FileResult[] = [];
    f.processor.onResult((r) => results.push(r));
    const started = performance.now();
    await f.processor.processAll({ waitMs: 0 });
    while (!results.some((r) => r.dagIds[0] === "good")) await sleep(50);
    const tookMs = performance.now() - started;
    // Not one hanging file had reached its time-out when the good file was in the store.
    expect(results.filter((r) => r.error)).toEqual([]);
    expect((await dagRow(f.store, "good"))?.isActive).toBe(true);
    // Then each hanging file runs to its time-out (the preempted ones again, as suspects).
    while ((await f.store.db.select().from(importError)).length < 3) await sleep(100);
    const errors = await f.store.db.select().from(importError);
    expect(errors.map((e) => e.filename).sort()).toEqual(bad);
    for (const e of errors) expect(e.stackTrace).toContain(`did not finish loading within ${timeoutMs}ms (UPDRAFT_PARSE_TIMEOUT`);
    console.log(`good file behind 3 hanging files at start-up (slow after 1 s, time-out ${timeoutMs} ms): loaded after ${tookMs.toFixed(0)} ms; ${await loads(counter)} loads of the hanging files`);
  });

  it("counts files with an import error left by an earlier process as suspects: a good file does not wait for them", async () => {
    const f = await fixture({ parseTimeoutMs: 5_000, parseParallelism: 2 });
    const counter = join(f.dir, "loads.txt");
    for (const n of [1, 2]) await f.write(`a_bad${n}.ts`, hangingDag(`bad${n}`, counter));
    await f.processor.processAll();
    expect(await f.store.db.select().from(importError)).toHaveLength(2);
    // A new process (a restart): nothing failed in it yet, but the store remembers. No preemption
    // here (slow only after a minute): the hanging files may hold one slot, never both.
    const next = new DagProcessor({ store: f.store, dagsFolder: f.dags, home: join(f.dir, "home"), parseTimeoutMs: 30_000, parseSlowMs: 60_000, parseParallelism: 2 });
    cleanups.push(async () => next.close());
    await f.write("z_good.ts", goodDag("good"));
    const results: FileResult[] = [];
    next.onResult((r) => results.push(r));
    await next.processAll({ waitMs: 0 });
    while (!results.some((r) => r.dagIds[0] === "good")) await sleep(50);
    // Had the hanging files taken both slots, the good file would have waited for a 30 s time-out.
    expect(results.filter((r) => r.error)).toEqual([]);
  });

  it("stops a file's parse when the process that started it dies, even while the file is in an endless loop", async () => {
    const f = await fixture();
    const counter = join(f.dir, "loads.txt");
    await f.write("loops.ts", hangingDag("loops", counter));
    // Another process parses the folder (with a long time-out), then is killed mid-parse.
    const driver = `
      const { openStore, migrateStore } = await import("@updraft/store");
      const { DagProcessor } = await import(${JSON.stringify(new URL("./dag-processor.ts", import.meta.url).href)});
      const store = await openStore({ url: ${JSON.stringify(`file:${join(f.dir, "other.db")}`)} });
      await migrateStore(store);
      await new DagProcessor({ store, dagsFolder: ${JSON.stringify(f.dags)}, home: ${JSON.stringify(join(f.dir, "home"))}, parseTimeoutMs: 600000 }).processAll();`;
    const parent = spawn(process.execPath, ["--input-type=module", "-e", driver], { cwd: join(import.meta.dirname, "..", ".."), stdio: "ignore" });
    cleanups.push(async () => { parent.kill("SIGKILL"); });
    while ((await loads(counter)) < 1) await sleep(100);
    const childPid = Number((await readFile(counter, "utf8")).trim());
    // Alive: it exists and is not a zombie (an orphan's exit may be reaped late, or never, by pid 1 in a container).
    const alive = async (pid: number) => {
      const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => null);
      if (stat === null) { try { process.kill(pid, 0); return process.platform !== "linux"; } catch { return false; } }
      return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
    };
    expect(await alive(childPid)).toBe(true);
    parent.kill("SIGKILL");
    for (let i = 0; i < 100 && (await alive(childPid)); i++) await sleep(100);
    expect(await alive(childPid)).toBe(false);
  });
});

describe("DagProcessor.close", { timeout: 60_000 }, () => {
  it("kills the parses under way and writes nothing of them", async () => {
    const f = await fixture({ parseTimeoutMs: 600_000 });
    const counter = join(f.dir, "loads.txt");
    const path = await f.write("loops.ts", hangingDag("loops", counter));
    await f.processor.processAll({ waitMs: 0 });
    while ((await loads(counter)) < 1) await sleep(100);
    const childPid = Number((await readFile(counter, "utf8")).trim());
    f.processor.close();
    // A pass joins the parse under way: it ends at once, unrecorded.
    const [result] = await f.processor.processAll();
    expect(result).toEqual({ file: path, dagIds: [], loaded: false, error: `${path}: not loaded: the DAG processor stopped` });
    expect(await f.store.db.select().from(importError)).toEqual([]);
    const gone = async () => {
      const stat = await readFile(`/proc/${childPid}/stat`, "utf8").catch(() => null);
      return stat === null || stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z";
    };
    for (let i = 0; i < 100 && !(await gone()); i++) await sleep(100);
    expect(await gone()).toBe(true);
  });
});

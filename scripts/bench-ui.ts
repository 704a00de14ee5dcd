// `npm run bench:ui`: the UI's budgets in headless Chromium against a real `updraft api` process
// on a seeded embedded database (DESIGN.md Contract 6; issue 8's budgets):
//   (a) JS before the first widget renders: gzipped bytes of every module a portal page loads
//       before <updraft-run-status> has drawn (lazy chunks are not loaded by it);
//   (b) <updraft-dags> with 1,000 DAGs: time from navigation to the first rows drawn;
//   (c) <updraft-grid> with 200 tasks × 100 runs: time to the first cells drawn, then 1,000 state
//       changes per second written to the database for 10 s, streamed to the page, and how far
//       behind the page falls (the lag from the last write to its cell being drawn, and frames
//       longer than 50 ms meanwhile).
// Each case runs BENCH_UI_RUNS times (default 5) in a fresh page; it prints the median and range.
// Figures, not assertions: nothing here fails on a slow machine.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { and, eq, sql } from "drizzle-orm";
import { chromium, type Browser, type Page } from "playwright-core";
import { createToken, dag, dagRun, dagVersion, migrateStore, openStore, taskInstance, type Store } from "@updraft/store";
import { DagProcessor } from "@updraft/scheduler";

// In-page code runs in the browser: its DOM globals are typed loosely here (this file is Node's).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Dom = any;

const REPO = fileURLToPath(new URL("../", import.meta.url));
const UPDRAFT = join(REPO, "node_modules/.bin/updraft");
const RUNS = Number(process.env.BENCH_UI_RUNS ?? 5);
const DAG_COUNT = 1_000;
const GRID_TASKS = 200;
const GRID_RUNS = 100;
const EVENTS_PER_S = 1_000;
const EVENT_SECONDS = 10;
const CHROMIUM = process.env.UPDRAFT_CHROMIUM ?? "/usr/bin/chromium";
/** BENCH_UI_TRACE=1 prints each measured page's requests (start and end ms), to see where the time goes. */
const TRACE = process.env.BENCH_UI_TRACE === "1";

const SMALL_DAG = `import { dag, task, chain } from "@updraft/sdk";
export default dag({ id: "bench_template", schedule: "@daily", startDate: "2026-01-01", tags: ["bench", "etl"], description: "a DAG of the 1,000" }, () => {
  chain(task("extract", async () => 1)(), task("transform", async () => 2)(), task("load", async () => 3)());
});
`;

const GRID_DAG = `import { dag, task, chain } from "@updraft/sdk";
export default dag({ id: "bench_grid", schedule: "@hourly", startDate: "2026-01-01", tags: ["bench"] }, () => {
  const t = task("step", async () => null);
  const outs = [];
  for (let i = 0; i < ${GRID_TASKS}; i++) outs.push(task("task_" + String(i).padStart(3, "0"), async () => i)());
  for (let i = 0; i + 10 < outs.length; i += 10) chain(outs[i], outs[i + 10]);
  void t;
});
`;

const STATES = ["success", "failed", "running", "queued", "skipped", "up_for_retry"] as const;

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const med = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return `median ${fmt(med)} (range ${fmt(s[0]!)} – ${fmt(s[s.length - 1]!)}, ${s.length} runs)`;
}
const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(1));

async function seed(store: Store, dir: string): Promise<void> {
  await mkdir(join(dir, "dags"), { recursive: true });
  await writeFile(join(dir, "dags", "bench_template.ts"), SMALL_DAG);
  await writeFile(join(dir, "dags", "bench_grid.ts"), GRID_DAG);
  const processor = new DagProcessor({ store, dagsFolder: join(dir, "dags"), home: dir, dagsArePausedAtCreation: false });
  for (const r of await processor.processAll()) if (r.error) throw new Error(r.error);
  const [template] = await store.db.select().from(dag).where(eq(dag.dagId, "bench_template"));
  const [version] = await store.db.select().from(dagVersion).where(eq(dagVersion.dagId, "bench_template"));
  const now = Date.now();
  const day = 86_400_000;
  // 1,000 DAGs cloned from the template, each with 5 runs of mixed states.
  for (let start = 0; start < DAG_COUNT; start += 100) {
    await store.write(async (tx) => {
      for (let i = start; i < start + 100; i++) {
        const id = `bench_dag_${String(i).padStart(4, "0")}`;
        await tx.insert(dag).values({ ...template!, dagId: id, tags: i % 3 ? ["bench", "etl"] : ["bench", "reports"], isPaused: i % 7 === 0 });
        const [v] = await tx.insert(dagVersion).values({ ...version!, id: undefined, dagId: id, serialized: { ...version!.serialized, id } }).returning({ id: dagVersion.id });
        for (let r = 0; r < 5; r++) {
          const logical = new Date(now - (5 - r) * day);
          const state = (i + r) % 11 === 0 ? "failed" : "success";
          await tx.insert(dagRun).values({ dagId: id, runId: `scheduled__${logical.toISOString()}`, runType: "scheduled", state, logicalDate: logical, startDate: logical, endDate: new Date(logical.getTime() + 60_000 + i * 10), dagVersionId: v!.id, queuedAt: logical });
        }
      }
    });
  }
  // The grid DAG: 100 runs × 200 task instances.
  const [gv] = await store.db.select().from(dagVersion).where(eq(dagVersion.dagId, "bench_grid"));
  for (let r = 0; r < GRID_RUNS; r++) {
    const logical = new Date(now - (GRID_RUNS - r) * 3_600_000);
    const runId = `scheduled__${logical.toISOString()}`;
    await store.write(async (tx) => {
      await tx.insert(dagRun).values({ dagId: "bench_grid", runId, runType: "scheduled", state: r % 9 === 0 ? "failed" : "success", logicalDate: logical, startDate: logical, endDate: new Date(logical.getTime() + 600_000 + r * 1000), dagVersionId: gv!.id, queuedAt: logical });
      const rows = [];
      for (let t = 0; t < GRID_TASKS; t++) {
        const state = (r * 7 + t) % 23 === 0 ? "failed" : (r * 3 + t) % 17 === 0 ? "skipped" : "success";
        rows.push({ dagId: "bench_grid", runId, taskId: `task_${String(t).padStart(3, "0")}`, mapIndex: -1, state, tryNumber: 1, maxTries: 1, startDate: new Date(logical.getTime() + t * 1000), endDate: new Date(logical.getTime() + t * 1000 + 2000), duration: 2, operator: "task" as const });
      }
      for (let i = 0; i < rows.length; i += 50) await tx.insert(taskInstance).values(rows.slice(i, i + 50) as never);
    });
  }
  await store.write((tx) => tx.run(sql`ANALYZE`));
}

async function freePort(): Promise<number> {
  const { createServer: net } = await import("node:net");
  return new Promise((resolve) => {
    const s = net();
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });
}

/** A page on another origin, as a portal: `/?el=<html>` wraps the given element markup. */
function portalServer(apiBase: string, token: string): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const body = url.searchParams.get("el") ?? "";
    res.writeHead(200, { "content-type": "text/html" });
    res.end(`<!doctype html><html><head><meta charset="utf-8">
<script>window.__t0 = performance.now();</script>
<script type="module" src="${apiBase}/ui/updraft.js"></script></head>
<body style="margin:0">${body.replaceAll("$API", apiBase).replaceAll("$TOKEN", token)}</body></html>`);
  });
}

/** Waits until `selector` matches inside the first element's shadow root (depth-first through nested shadow roots); returns ms since navigation start. */
async function timeUntil(page: Page, tag: string, selector: string, min = 1, timeoutMs = 30_000): Promise<number> {
  return page.evaluate(({ tag, selector, min, timeoutMs }) => new Promise<number>((resolve, reject) => {
    const dom = globalThis as Dom;
    const deadline = performance.now() + timeoutMs;
    const count = (root: Dom): number => {
      let n = root.querySelectorAll(selector).length;
      for (const el of root.querySelectorAll("*")) if (el.shadowRoot) n += count(el.shadowRoot);
      return n;
    };
    const check = () => {
      const host = dom.document.querySelector(tag);
      if (host?.shadowRoot && count(host.shadowRoot) >= min) return resolve(performance.now());
      if (performance.now() > deadline) return reject(new Error(`${tag}: "${selector}" not drawn within ${timeoutMs} ms`));
      dom.requestAnimationFrame(check);
    };
    check();
  }), { tag, selector, min, timeoutMs });
}

/** With BENCH_UI_TRACE=1: the page's requests as a waterfall, ms since navigation. */
async function trace(page: Page, label: string): Promise<void> {
  if (!TRACE) return;
  const rows = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => {
    const r = e as unknown as { startTime: number; responseEnd: number; encodedBodySize: number; name: string };
    return `${r.startTime.toFixed(0).padStart(6)} → ${r.responseEnd.toFixed(0).padStart(6)}  ${(r.encodedBodySize / 1024).toFixed(1).padStart(6)} KB  ${r.name.replace(/^https?:\/\/[^/]+/, "")}`;
  }));
  console.log(`  ${label}:\n    ${rows.join("\n    ")}`);
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "updraft-bench-ui-"));
  const dbUrl = `file:${join(dir, "updraft.db")}`;
  const store = await openStore({ url: dbUrl });
  await migrateStore(store);
  process.stdout.write("seeding 1,000 DAGs and a 200 × 100 grid… ");
  const t0 = Date.now();
  await seed(store, dir);
  console.log(`${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const { token } = await createToken(store, { name: "bench-ui", scope: "read" });

  const apiPort = await freePort();
  const portalPort = await freePort();
  const apiBase = `http://127.0.0.1:${apiPort}`;
  const server: ChildProcess = spawn(UPDRAFT, ["api"], {
    cwd: REPO, stdio: ["ignore", "pipe", "pipe"], detached: true,
    env: { ...process.env, UPDRAFT_HOME: join(dir, "home"), UPDRAFT_DB_URL: dbUrl, UPDRAFT_PORT: String(apiPort), UPDRAFT_HOST: "127.0.0.1", UPDRAFT_CORS_ORIGINS: `http://127.0.0.1:${portalPort}` },
  });
  let serverLog = "";
  server.stdout!.on("data", (d) => (serverLog += d));
  server.stderr!.on("data", (d) => (serverLog += d));
  const portal = portalServer(apiBase, token).listen(portalPort, "127.0.0.1");
  let browser: Browser | null = null;
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${apiBase}/api/v1/health`)).ok) break;
      } catch {
        // not up yet
      }
      if (i > 300) throw new Error(`updraft api did not start:\n${serverLog}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await fetch(`${apiBase}/ui/updraft.js`); // the first request builds the modules; not part of any figure
    // A server that has been up answers from warm code and statement caches; so does this one, as
    // the figures are of the page, not of the process's first seconds (BENCH_UI_TRACE shows both).
    const warm = ["/api/updraft/ui/dags?limit=100&offset=0&runs=14&status=all&order_by=dag_id", "/api/updraft/ui/dags/bench_grid/grid?limit=25", "/api/updraft/ui/me", "/api/updraft/ui/dags/bench_grid/run-status"];
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"] });
    const portalUrl = (el: string) => `http://127.0.0.1:${portalPort}/?el=${encodeURIComponent(el)}`;
    const attrs = `api-base="$API" token="$TOKEN"`;

    for (const path of warm) {
      const ms: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        await (await fetch(`${apiBase}${path}`, { headers: { authorization: `Bearer ${token}` } })).arrayBuffer();
        ms.push(performance.now() - t);
      }
      if (TRACE) console.log(`  server: ${path}: ${ms.map((m) => m.toFixed(0)).join(", ")} ms`);
    }
    console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, ${await browser.version()}`);

    // (a) JS bytes before the first widget renders.
    const bytes: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      const js: Array<Promise<number>> = [];
      page.on("requestfinished", (req) => {
        if (req.resourceType() === "script") js.push(req.sizes().then((s) => s.responseBodySize));
      });
      await page.goto(portalUrl(`<updraft-run-status ${attrs} dag-id="bench_grid"></updraft-run-status>`));
      await timeUntil(page, "updraft-run-status", ".pill");
      bytes.push((await Promise.all(js)).reduce((a, b) => a + b, 0) / 1024);
      await ctx.close();
    }
    console.log(`(a) JS before the first widget renders (gzipped KB, budget 60): ${stats(bytes)}`);

    // (b) <updraft-dags> with 1,000 DAGs.
    const dagsMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await ctx.newPage();
      await page.goto(portalUrl(`<updraft-dags ${attrs}></updraft-dags>`));
      dagsMs.push(await timeUntil(page, "updraft-dags", "[data-dag-id]", 5));
      await trace(page, `dags, ${dagsMs.at(-1)!.toFixed(0)} ms`);
      await ctx.close();
    }
    console.log(`(b) <updraft-dags>, 1,000 DAGs, first render (ms, budget 1,000): ${stats(dagsMs)}`);

    // (c) <updraft-grid> with 200 tasks × 100 runs, then 1,000 changes per second.
    const gridMs: number[] = [];
    const lagMs: number[] = [];
    const longFrames: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await ctx.newPage();
      await page.goto(portalUrl(`<updraft-grid ${attrs} dag-id="bench_grid"></updraft-grid>`));
      gridMs.push(await timeUntil(page, "updraft-grid", "[data-state]", 50));
      await trace(page, `grid, ${gridMs.at(-1)!.toFixed(0)} ms`);
      await page.evaluate(() => {
        const dom = globalThis as Dom;
        const w = dom as { __long: number; __lastFrame: number };
        w.__long = 0;
        w.__lastFrame = performance.now();
        const tick = () => {
          const now = performance.now();
          if (now - w.__lastFrame > 50) w.__long++;
          w.__lastFrame = now;
          dom.requestAnimationFrame(tick);
        };
        dom.requestAnimationFrame(tick);
      });
      // Writes: the newest run's visible tasks cycle through states, 1,000 changes a second.
      const runs = await store.db.select({ runId: dagRun.runId }).from(dagRun).where(eq(dagRun.dagId, "bench_grid")).orderBy(sql`logical_date desc`).limit(1);
      const runId = runs[0]!.runId;
      const perTick = EVENTS_PER_S / 10;
      let n = 0;
      let last = { taskId: "", state: "" };
      for (let tick = 0; tick < EVENT_SECONDS * 10; tick++) {
        const tickStart = Date.now();
        await store.write(async (tx) => {
          for (let k = 0; k < perTick; k++, n++) {
            const taskId = `task_${String(n % 20).padStart(3, "0")}`;
            const state = STATES[Math.floor(n / 20) % STATES.length]!;
            await tx.update(taskInstance).set({ state, updatedAt: new Date() }).where(and(eq(taskInstance.dagId, "bench_grid"), eq(taskInstance.runId, runId), eq(taskInstance.taskId, taskId)));
            last = { taskId, state };
          }
        });
        await new Promise((r) => setTimeout(r, Math.max(0, 100 - (Date.now() - tickStart))));
      }
      const wroteAt = Date.now();
      // The lag: until the last written task's newest-run cell shows its last state.
      await page.waitForFunction(({ runId, taskId, state }) => {
        const dom = globalThis as Dom;
        const find = (root: Dom): Dom => {
          const hit = root.querySelector(`[data-run-id="${dom.CSS.escape(runId)}"][data-task-id="${taskId}"][data-state="${state}"]`);
          if (hit) return hit;
          for (const el of root.querySelectorAll("*")) if (el.shadowRoot) {
            const h = find(el.shadowRoot);
            if (h) return h;
          }
          return null;
        };
        return find(dom.document) !== null;
      }, { runId, ...last }, { timeout: 30_000, polling: 50 });
      lagMs.push(Date.now() - wroteAt);
      longFrames.push(await page.evaluate(() => (globalThis as Dom as { __long: number }).__long));
      await ctx.close();
    }
    console.log(`(c) <updraft-grid>, 200 tasks × 100 runs, first render (ms, budget 1,000): ${stats(gridMs)}`);
    console.log(`    then ${EVENTS_PER_S.toLocaleString("en-US")} changes/s for ${EVENT_SECONDS} s: lag after the last write (ms, includes the api's 250 ms store tail): ${stats(lagMs)}; frames over 50 ms: ${stats(longFrames)}`);
  } finally {
    await browser?.close();
    portal.close();
    try {
      process.kill(-server.pid!, "SIGKILL");
    } catch {
      server.kill("SIGKILL");
    }
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();

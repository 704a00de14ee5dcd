// The app's workers view with a real `updraft worker` process connected: a user signs in, opens
// Workers, finds the remote worker by name with its state, queue and slots, and watches the tries
// of a run land on it in the task stream (the DAG's tasks go to the worker's queue, which the
// server's own threads do not serve).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../api/server.ts";
import { sleep, startWorker, type WorkerProcess } from "../workers/processes.ts";
import { axeViolations, browserSkipReason, launchBrowser, screenshot } from "./browser.ts";

const skip = browserSkipReason() !== null;

const DAG_ID = "remote_crunch";
const QUEUE = "crunchers";
const WORKER = "cruncher-1";
const SLOTS = 2;
const PARTS = 4;

/**
 * Every task runs on the `crunchers` queue. Each `crunch` waits for a gate file (the test opens it
 * once it has seen them running), so the view is checked while tries run, not after.
 */
const DAG = `import { existsSync } from "node:fs";
import { dag, task } from "@updraft/sdk";
export default dag({ id: "${DAG_ID}", schedule: null, startDate: "2026-01-01", tags: ["workers"], description: "Crunches parts on the remote workers." }, () => {
  const crunch = task({ id: "crunch", queue: "${QUEUE}" }, async (ctx, part: number) => {
    ctx.log.info("crunching part " + part);
    while (!existsSync(String(ctx.params.gate))) await new Promise((r) => setTimeout(r, 100));
    return part * 2;
  });
  const total = task({ id: "total", queue: "${QUEUE}" }, (_ctx, parts: number[]) => parts.reduce((a, b) => a + b, 0));
  total(crunch.expand(${JSON.stringify(Array.from({ length: PARTS }, (_, i) => i))}));
});
`;

const LONG = 60_000;
const USER = "ops";
const PASSWORD = "correct horse battery";

let server: TestServer;
let worker: WorkerProcess;
let browser: Browser;
let page: Page;
let scratch: string;

async function waitOnline(): Promise<void> {
  const end = Date.now() + LONG;
  for (;;) {
    const r = await server.request("GET", "/api/updraft/workers");
    const w = r.status === 200 ? (r.json as { workers: Array<{ name: string; state: string }> }).workers.find((x) => x.name === WORKER) : undefined;
    if (w?.state === "online") return;
    if (Date.now() > end) throw new Error(`worker ${WORKER} did not come online (last answer ${r.status} ${r.text.slice(0, 300)})\n${worker.output().slice(-2000)}`);
    await sleep(200);
  }
}

beforeAll(async () => {
  if (skip) return;
  scratch = await mkdtemp(join(tmpdir(), "updraft-browser-workers-"));
  server = await startServer({ dags: { files: { [`${DAG_ID}.ts`]: DAG }, dagIds: [DAG_ID] } });
  worker = await startWorker({ server: server.baseUrl, token: server.tokens.worker, name: WORKER, concurrency: SLOTS, queues: [QUEUE] });
  const made = await server.cli(["users", "create", USER, "--role", "admin", "--password", PASSWORD]);
  expect(made.code, made.stderr).toBe(0);
  await waitOnline();
  browser = await launchBrowser();
  // bypassCSP: the app's policy allows no inline script, and axe is injected as one.
  page = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, bypassCSP: true })).newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await worker?.dispose();
  await server?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
}, 60_000);

describe.skipIf(skip)("the workers view with a remote worker connected", () => {
  let view: Locator;
  let row: Locator;
  let runId: string;
  let gate: string;

  it("signs in and lists the worker by name, with its state, queue and slots", async () => {
    await page.goto(`${server.baseUrl}/workers`);
    await page.getByLabel("Username").fill(USER);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(`${server.baseUrl}/workers`, { timeout: LONG });

    view = page.locator("updraft-workers");
    await view.getByRole("table", { name: "Workers" }).waitFor({ timeout: LONG });
    row = view.locator("tr.worker").filter({ has: page.locator(".name", { hasText: WORKER }) });
    await row.waitFor({ timeout: LONG });
    await expect.poll(() => row.locator("td").nth(1).innerText(), { timeout: LONG }).toContain("online");
    expect(await row.locator(".chip").allInnerTexts()).toEqual([QUEUE]);
    expect(await row.locator("[part=slots]").getAttribute("aria-label")).toBe(`0 of ${SLOTS} slots busy`);
    // The server's own threads are listed too, serving the default queue only.
    const local = view.locator("tr.worker").filter({ has: page.locator(".kind", { hasText: "local" }) });
    expect(await local.locator(".chip").allInnerTexts()).toEqual(["default"]);
    await expect.poll(() => view.locator(".live").getAttribute("data-status"), { timeout: LONG }).toBe("live");
  }, 120_000);

  it("shows the run's tries running on the worker's slots in the task stream, live", async () => {
    gate = join(scratch, "gate");
    const r = await server.request("POST", `/api/v1/dags/${DAG_ID}/dagRuns`, { body: { conf: { gate } } });
    expect(r.status, r.text).toBe(200);
    runId = (r.json as { dag_run_id: string }).dag_run_id;

    // Both slots fill with crunch tries (the other two wait); the table says so.
    const running = view.locator(`.stream .bar[data-running][data-key*="${runId}"]`);
    await expect.poll(() => running.count(), { timeout: LONG }).toBe(SLOTS);
    await expect.poll(() => row.locator("[part=slots]").getAttribute("aria-label"), { timeout: LONG }).toMatch(new RegExp(`^${SLOTS} of ${SLOTS} slots busy`));
    // The stream has a heading line for the worker and one line per slot.
    await expect.poll(() => view.locator(".labels .lh").allInnerTexts(), { timeout: LONG }).toContain(WORKER);
    expect(await view.locator(".labels .ll").allInnerTexts()).toEqual(expect.arrayContaining(["slot 1", "slot 2"]));

    // Opening the row lists the tries it runs, linked to their task instances.
    await row.getByRole("button", { name: `Show details of ${WORKER}` }).click();
    const tries = view.getByRole("list", { name: `Tries on ${WORKER}` });
    await expect.poll(() => tries.getByRole("link", { name: new RegExp(`^${DAG_ID} · crunch \\[\\d\\]$`) }).count(), { timeout: LONG }).toBe(SLOTS);
    await screenshot(page, "workers-running");

    // Opening the gate lets every try finish; the bars end as successes and the counters follow.
    await writeFile(gate, "open\n");
    const bars = view.locator(`.stream .bar[data-key*="${runId}"]`);
    await expect.poll(() => bars.evaluateAll((els) => els.map((e) => `${e.getAttribute("data-state")}${e.hasAttribute("data-running") ? "+" : ""}`).sort().join(",")), { timeout: LONG })
      .toBe(Array(PARTS + 1).fill("success").join(","));
    await expect.poll(() => row.locator("td.num").first().innerText(), { timeout: LONG }).toBe(String(PARTS + 1));
    await expect.poll(() => row.locator("[part=slots]").getAttribute("aria-label"), { timeout: LONG }).toBe(`0 of ${SLOTS} slots busy`);
    const state = await server.request("GET", `/api/v1/dags/${DAG_ID}/dagRuns/${encodeURIComponent(runId)}`);
    expect((state.json as { state: string }).state).toBe("success");
    // The two tries that ran at once stay on two lines of the worker once they ended.
    const crunchTops = await view.locator(`.stream .bar[data-key*="${runId}"][data-key*="crunch"]`).evaluateAll((els) => els.map((e) => /top:\s*([\d.]+)px/.exec(e.getAttribute("style") ?? "")?.[1]));
    expect(new Set(crunchTops).size).toBeGreaterThanOrEqual(SLOTS);
    // The keyboard reaches every try: End picks the latest, `total`, and its card says where it ran.
    await view.locator(".stream").focus();
    await page.keyboard.press("End");
    const tip = view.getByRole("tooltip");
    await expect.poll(() => tip.innerText(), { timeout: LONG }).toMatch(/^total · try 1/);
    expect(await tip.innerText()).toContain(WORKER);
    await page.keyboard.press("Escape");
    // Every try ran on the remote worker, none on the server's threads.
    const local = view.locator("tr.worker").filter({ has: page.locator(".kind", { hasText: "local" }) });
    expect(await local.locator("td.num").first().innerText()).toBe("0");
  }, 150_000);

  it("has no serious or critical accessibility violation; the screenshot is saved", async () => {
    await page.mouse.move(0, 0);
    await screenshot(page, "workers");
    expect(await axeViolations(page)).toEqual([]);
  }, 60_000);
});

// The full app's views, in headless Chromium against a real `updraft standalone` with the
// repository's example DAGs and real finished runs: the sign-in form (a wrong password is an
// error, not a crash), the DAGs list, every view of a DAG, a task instance's log, the admin pages,
// deep links opened directly, and the dark theme. Every view passes axe-core (no serious or
// critical violation) and is saved as a screenshot among the artefacts; with
// UPDRAFT_UPDATE_SCREENSHOTS=1 the grid's is also written to docs/dashboard-grid.png for the README.
import { copyFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { REPO } from "../api/server.ts";
import { axeViolations, browserSkipReason, launchBrowser, screenshot } from "./browser.ts";
import { ADMIN, EXAMPLE_DAG_IDS, WAIT_MS, getTaskInstance, listRuns, newContext, signIn, startAppServer, triggerRun, waitForRun, type AppServer } from "./app-fixture.ts";

const skip = browserSkipReason() !== null;

/** The DAG whose views are shown: the ETL example, with a mapped task. */
const DAG = "daily_sales";
/** The DAG of the README's screenshot: branches, so its grid has skipped tasks beside the green. */
const README_DAG = "branching";

let app: AppServer;
let browser: Browser;
let ctx: BrowserContext;
let page: Page;
/** daily_sales runs triggered through the API, oldest first; all finished. */
const runs: string[] = [];

const url = (path: string) => app.server.baseUrl + path;
const enc = encodeURIComponent;

/** Waits for `ready`, then checks axe and saves a screenshot named `name`. */
async function check(name: string, ready: Locator): Promise<void> {
  await ready.first().waitFor({ timeout: WAIT_MS });
  expect(await axeViolations(page), `axe on ${name}`).toEqual([]);
  await screenshot(page, `app-${name}`);
}

/** The computed colours of the element (locators reach into shadow roots). */
function coloursOf(el: Locator): Promise<{ backgroundColor: string; color: string }> {
  type Style = { backgroundColor: string; color: string };
  return el.evaluate((e) => {
    const s = (globalThis as unknown as { getComputedStyle(e: unknown): Style }).getComputedStyle(e);
    return { backgroundColor: s.backgroundColor, color: s.color };
  });
}

/** The computed background of the element; a transparent one is an error (it says nothing). */
async function backgroundOf(el: Locator): Promise<string> {
  const bg = (await coloursOf(el)).backgroundColor;
  if (/^rgba\(.*,\s*0\)$/.test(bg) || bg === "transparent") throw new Error(`the background is transparent (${bg})`);
  return bg;
}

/** The luminance (0 black … 1 white) of an `rgb(…)` colour. */
function luminance(color: string): number {
  const [r, g, b] = (color.match(/[\d.]+/g) ?? []).map(Number);
  return (0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0)) / 255;
}

describe.skipIf(skip)("the app's views", () => {
  beforeAll(async () => {
    [app, browser] = await Promise.all([startAppServer(), launchBrowser()]);
    // A few finished runs of the DAG shown (one at a time: it allows one active run).
    for (const region of ["eu", "us", "apac", "eu", "us"]) {
      const id = await triggerRun(app.server, DAG, { region });
      await waitForRun(app.server, DAG, id, ["success", "failed"]);
      runs.push(id);
    }
    ctx = await newContext(browser, { axe: true });
    page = await ctx.newPage();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("signs in through the form; a wrong password is an error on the form", async () => {
    await page.goto(url("/"));
    await check("login", page.getByRole("button", { name: "Sign in", exact: true }));
    expect(new URL(page.url()).pathname).toBe("/login");

    await page.getByLabel("Username").fill(ADMIN.name);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    const error = page.locator("updraft-login [role=alert]");
    await error.waitFor({ timeout: WAIT_MS });
    expect((await error.textContent())?.trim()).toMatch(/wrong|invalid|not valid|incorrect/i);
    expect(await page.getByRole("button", { name: "Sign in", exact: true }).isEnabled()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "app-login-error");

    await signIn(page, app.server.baseUrl, ADMIN);
    await check("home", page.locator("updraft-home").getByText("Healthy"));
  }, 120_000);

  it("lists the example DAGs", async () => {
    await page.goto(url("/dags"));
    for (const id of EXAMPLE_DAG_IDS) await page.getByRole("link", { name: id, exact: true }).waitFor({ timeout: WAIT_MS });
    await check("dags", page.getByRole("button", { name: `Trigger ${DAG}` }));

    // The trigger dialog's form, generated from the DAG's params (an enum is a select).
    await page.getByRole("button", { name: `Trigger ${DAG}` }).click();
    const dialog = page.getByRole("dialog", { name: `Trigger ${DAG}` });
    const region = dialog.getByLabel("region", { exact: true });
    await check("trigger-dialog", region);
    expect(await region.locator("option").allTextContents()).toEqual(["Europe", "United States", "Asia-Pacific"]);
    await dialog.getByRole("button", { name: "Cancel", exact: true }).click();
    await dialog.waitFor({ state: "hidden", timeout: WAIT_MS });
  }, 120_000);

  it("shows the grid, graph, Gantt, calendar, duration and code views of a DAG", async () => {
    await page.goto(url(`/dags/${DAG}/grid`));
    const last = runs.at(-1)!;
    // Every finished run's cells are green.
    for (const task of ["extract", "clean", "load", "notify"]) {
      await expect.poll(() => page.locator(`updraft-grid [data-run-id="${last}"][data-task-id="${task}"]`).getAttribute("data-state"), { timeout: WAIT_MS }).toBe("success");
    }
    await check("grid", page.getByRole("grid", { name: `Task instances of ${DAG} by run` }));

    // A run's action asks first (cancelled here: the actions suite makes the changes).
    await page.getByRole("button", { name: "Clear run", exact: true }).click();
    const confirm = page.getByRole("dialog", { name: "Clear this run?" });
    await check("confirm-clear-run", confirm.getByText(/task instances run again/));
    await confirm.getByRole("button", { name: "Cancel", exact: true }).click();
    await confirm.waitFor({ state: "hidden", timeout: WAIT_MS });

    const tab = async (name: string) => {
      await page.getByRole("tab", { name, exact: true }).click();
      await expect.poll(() => page.getByRole("tab", { name, exact: true }).getAttribute("aria-selected")).toBe("true");
    };
    await tab("Graph");
    await check("graph", page.locator(`updraft-graph g.node[data-task-id="load"][data-state="success"]`));
    await tab("Gantt");
    await check("gantt", page.getByRole("grid", { name: /^Tries of run / }).locator(".seg.run[data-state=success]"));
    await tab("Calendar");
    await check("calendar", page.getByRole("grid", { name: new RegExp(`^Runs of ${DAG} per day`) }));
    await tab("Task duration");
    await check("duration", page.locator("updraft-task-duration").getByLabel(/^Durations of \d+ tasks over the last \d+ runs/));
    await tab("Code");
    await check("code", page.getByRole("region", { name: /^Source of / }).getByText(`id: "${DAG}"`));
    await tab("Details");
    await check("details", page.locator("updraft-dag [role=tabpanel]").getByText(DAG));
  }, 120_000);

  it("shows a task instance and its log", async () => {
    const run = runs[0]!;
    await page.goto(url(`/dags/${DAG}/grid`));
    await page.locator(`updraft-grid [data-run-id="${run}"][data-task-id="load"]`).click();
    const ti = page.locator("updraft-task-instance");
    await ti.getByRole("heading", { name: "load" }).waitFor({ timeout: WAIT_MS });
    // The URL names the instance, so it can be shared.
    const u = new URL(page.url());
    expect([u.pathname, u.searchParams.get("run_id"), u.searchParams.get("task_id")]).toEqual([`/dags/${DAG}/grid`, run, "load"]);
    await check("task-instance-log", ti.getByText(/loaded 5 rows, total/));

    // A mapped task lists its instances; one opens.
    await page.locator(`updraft-grid [data-run-id="${run}"][data-task-id="clean"]`).click();
    await check("mapped-instances", page.locator("updraft-mapped-instances li").nth(4));
  }, 120_000);

  it("shows the admin pages", async () => {
    const pages: Array<[string, string, (p: Page) => Locator]> = [
      ["variables", "/admin/variables", (p) => p.locator("updraft-variables").getByRole("heading").first()],
      ["connections", "/admin/connections", (p) => p.locator("updraft-connections").getByRole("heading").first()],
      ["pools", "/admin/pools", (p) => p.locator("updraft-pools").getByText("default_pool")],
      ["import-errors", "/admin/import-errors", (p) => p.locator("updraft-import-errors").getByRole("heading").first()],
      ["event-log", "/admin/event-log", (p) => p.locator("updraft-event-log").getByText(DAG).first()],
    ];
    for (const [name, path, ready] of pages) {
      await page.goto(url(path));
      await check(name, ready(page));
    }
  }, 120_000);

  it("opens deep links to a DAG's view, a run and a task instance directly", async () => {
    const run = runs[1]!;
    const fresh = await ctx.newPage();
    try {
      // A view of the DAG for a run.
      await fresh.goto(url(`/dags/${DAG}/graph?run_id=${enc(run)}`));
      await expect.poll(() => fresh.getByRole("tab", { name: "Graph", exact: true }).getAttribute("aria-selected"), { timeout: WAIT_MS }).toBe("true");
      await expect.poll(() => fresh.locator("#run-picker").inputValue(), { timeout: WAIT_MS }).toBe(run);
      await fresh.locator(`updraft-graph g.node[data-task-id="notify"][data-state="success"]`).waitFor({ timeout: WAIT_MS });
      // Airflow 3's link to a run, then to a task instance (a bookmark carried over).
      await fresh.goto(url(`/dags/${DAG}/runs/${enc(run)}`));
      await expect.poll(() => fresh.locator("#run-picker").inputValue(), { timeout: WAIT_MS }).toBe(run);
      await fresh.getByRole("grid", { name: `Task instances of ${DAG} by run` }).waitFor({ timeout: WAIT_MS });
      await fresh.goto(url(`/dags/${DAG}/runs/${enc(run)}/tasks/extract`));
      const ti = fresh.locator("updraft-task-instance");
      await ti.getByRole("heading", { name: "extract" }).waitFor({ timeout: WAIT_MS });
      await ti.getByText(/extracted 5 rows for/).waitFor({ timeout: WAIT_MS });
      // One instance of a mapped task.
      await fresh.goto(url(`/dags/${DAG}/grid?run_id=${enc(run)}&task_id=clean&map_index=3`));
      await fresh.locator("updraft-task-instance").getByRole("heading", { name: /clean\s*\[3\]/ }).waitFor({ timeout: WAIT_MS });
      // The breadcrumbs say where the page is.
      const crumbs = fresh.getByRole("navigation", { name: "Breadcrumb" });
      expect((await crumbs.textContent())?.replace(/\s+/g, " ")).toContain(`${DAG}`);
      expect(await crumbs.getByText(run).count()).toBeGreaterThan(0);
    } finally {
      await fresh.close();
    }
  }, 120_000);

  it("switches to the dark theme", async () => {
    await page.goto(url(`/dags/${DAG}/grid?run_id=${enc(runs.at(-1)!)}&task_id=load`));
    await page.locator("updraft-task-instance").getByText(/loaded 5 rows/).waitFor({ timeout: WAIT_MS });
    const background = () => backgroundOf(page.locator("updraft-app .frame"));
    expect(luminance(await background())).toBeGreaterThan(0.8);

    await page.getByRole("button", { name: /^Theme: / }).click();
    await page.getByRole("menuitemradio", { name: "Dark" }).click();
    await expect.poll(async () => luminance(await background()), { timeout: WAIT_MS }).toBeLessThan(0.2);
    // The views inside follow: the grid's task names are light on the dark page.
    expect(luminance((await coloursOf(page.locator("updraft-grid [role=rowheader]").first())).color)).toBeGreaterThan(0.6);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "app-grid-dark");

    // The choice is remembered.
    await page.reload();
    await page.getByRole("navigation", { name: "Main" }).waitFor({ timeout: WAIT_MS });
    await expect.poll(async () => luminance(await background()), { timeout: WAIT_MS }).toBeLessThan(0.2);
    await page.getByRole("button", { name: /^Theme: / }).click();
    await page.getByRole("menuitemradio", { name: "Light" }).click();
    await expect.poll(async () => luminance(await background()), { timeout: WAIT_MS }).toBeGreaterThan(0.8);
  }, 120_000);

  it("takes the README's screenshot of the grid", async () => {
    // `branching` over fourteen days: Mondays take the full load, other days the delta; the report
    // email goes out when the run's conf does not say notify: false. Light theme, 1440×900.
    const ids: string[] = [];
    const day = Date.UTC(2026, 10, 20);
    for (let i = 0; i < 14; i++) {
      const logical = new Date(day + i * 86_400_000 + 6 * 3_600_000).toISOString();
      ids.push(await triggerRun(app.server, README_DAG, i % 3 === 2 ? { notify: false } : {}, logical));
    }
    for (const id of ids) await waitForRun(app.server, README_DAG, id, ["success", "failed"]);
    // The run the scheduler made at start-up took seconds (a cold start) and would dwarf the
    // others' bars: clear it, so that it runs again warm.
    for (const r of (await listRuns(app.server, README_DAG)).filter((x) => !ids.includes(x.dag_run_id))) {
      const cleared = await app.server.request("POST", `/api/v1/dags/${README_DAG}/clearTaskInstances`, { body: { dry_run: false, dag_run_id: r.dag_run_id, only_failed: false } });
      expect(cleared.status, cleared.text).toBe(200);
      await expect.poll(async () => (await getTaskInstance(app.server, README_DAG, r.dag_run_id, "pick_strategy")).try_number, { timeout: WAIT_MS }).toBe(2);
      await waitForRun(app.server, README_DAG, r.dag_run_id, ["success", "failed"]);
    }
    const newest = ids.at(-1)!;
    await page.goto(url(`/dags/${README_DAG}/grid?run_id=${enc(newest)}&task_id=pick_strategy`));
    await page.locator(`updraft-grid [data-run-id="${newest}"][data-task-id="email_report"][data-state="success"]`).waitFor({ timeout: WAIT_MS });
    await page.locator("updraft-task-instance").getByRole("heading", { name: "pick_strategy" }).waitFor({ timeout: WAIT_MS });
    await page.mouse.move(0, 899);
    const shot = await screenshot(page, "dashboard-grid");
    if (process.env.UPDRAFT_UPDATE_SCREENSHOTS === "1") await copyFile(shot, join(REPO, "docs", "dashboard-grid.png"));
  }, 120_000);
});

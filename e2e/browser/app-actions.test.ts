// The full app's actions, in headless Chromium against a real `updraft standalone` and real runs,
// under the app's own Content-Security-Policy: an admin triggers `ui_e2e` from the trigger
// dialog's params form (the run's conf carries the values typed), watches its grid cells turn
// green and its log grow while the task runs, without the page reloading; clears a task and
// marks a run through the confirmation dialogs (each checked through the REST API); and a user
// with the read role sees no Trigger, Clear or Mark button.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { browserSkipReason, launchBrowser, screenshot } from "./browser.ts";
import {
  ADMIN, READER, UI_DAG, WAIT_MS, getRun, getTaskInstance, listRuns, newContext, signIn, startAppServer, waitForRun, type AppServer,
} from "./app-fixture.ts";

const skip = browserSkipReason() !== null;

let app: AppServer;
let browser: Browser;
let admin: BrowserContext;
let page: Page;
/** Messages the console printed about the Content-Security-Policy (none are expected). */
const cspErrors: string[] = [];
/** The run triggered from the form. */
let runId = "";

const cell = (p: Page, run: string, task: string) => p.locator(`updraft-grid [data-run-id="${run}"][data-task-id="${task}"]`);

describe.skipIf(skip)("the app's actions", () => {
  beforeAll(async () => {
    [app, browser] = await Promise.all([startAppServer(), launchBrowser()]);
    admin = await newContext(browser);
    page = await admin.newPage();
    page.on("console", (m) => {
      if (/Content.Security.Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    await signIn(page, app.server.baseUrl, ADMIN);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("triggers a run from the params form; its grid cells turn green and its log grows live, with no reload", async () => {
    await page.goto(`${app.server.baseUrl}/dags/${UI_DAG}/grid`);
    await expect.poll(() => page.getByRole("tab", { name: "Grid" }).getAttribute("aria-selected"), { timeout: WAIT_MS }).toBe("true");
    // A marker that a page load would wipe out.
    await page.evaluate(() => ((globalThis as unknown as { updraftMarker: string }).updraftMarker = "same page"));

    await page.getByRole("button", { name: "Trigger", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: `Trigger ${UI_DAG}` });
    await dialog.getByLabel("greeting", { exact: true }).fill("bonjour");
    await dialog.getByRole("switch", { name: "hold" }).check();
    // The JSON beside the form follows it.
    await expect.poll(async () => JSON.parse(await dialog.locator("textarea[part=json]").inputValue()) as unknown, { timeout: WAIT_MS })
      .toEqual({ greeting: "bonjour", hold: true });
    await dialog.getByRole("button", { name: "Trigger", exact: true }).click();
    await dialog.waitFor({ state: "hidden", timeout: WAIT_MS });

    // The REST API has the run, with the values of the form as its conf.
    await expect.poll(async () => (await listRuns(app.server, UI_DAG)).length, { timeout: WAIT_MS }).toBe(1);
    const run = (await listRuns(app.server, UI_DAG))[0]!;
    runId = run.dag_run_id;
    expect(run.conf).toEqual({ greeting: "bonjour", hold: true });

    // The grid shows the run as it goes: `prepare` succeeds while `tail_lines` runs (held).
    await expect.poll(() => cell(page, runId, "prepare").getAttribute("data-state"), { timeout: WAIT_MS }).toBe("success");
    await expect.poll(() => cell(page, runId, "tail_lines").getAttribute("data-state"), { timeout: WAIT_MS }).toBe("running");

    // Its log, opened from the cell, shows the first lines while the task is held half-way…
    await cell(page, runId, "tail_lines").click();
    const panel = page.locator("updraft-task-instance");
    await panel.getByRole("heading", { name: "tail_lines" }).waitFor({ timeout: WAIT_MS });
    await panel.getByText("bonjour line 3").waitFor({ timeout: WAIT_MS });
    expect((await getTaskInstance(app.server, UI_DAG, runId, "tail_lines")).state).toBe("running");
    await expect(panel.getByText("bonjour line 4").count()).resolves.toBe(0);
    await screenshot(page, "actions-log-tailing");

    // …and the next ones once it goes on, without a reload.
    await app.release(runId);
    await panel.getByText("bonjour line 4").waitFor({ timeout: WAIT_MS });
    await panel.getByText("bonjour line 5").waitFor({ timeout: WAIT_MS });
    for (const task of ["prepare", "tail_lines", "finish"]) {
      await expect.poll(() => cell(page, runId, task).getAttribute("data-state"), { timeout: WAIT_MS }).toBe("success");
    }
    await waitForRun(app.server, UI_DAG, runId);
    expect(await page.evaluate(() => (globalThis as unknown as { updraftMarker?: string }).updraftMarker)).toBe("same page");
    await screenshot(page, "actions-grid-success");
  }, 180_000);

  it("clears a task through its confirmation: it runs again with a new try", async () => {
    expect(runId).not.toBe("");
    const before = await getTaskInstance(app.server, UI_DAG, runId, "tail_lines");
    expect(before.state).toBe("success");
    await page.goto(`${app.server.baseUrl}/dags/${UI_DAG}/grid?run_id=${encodeURIComponent(runId)}&task_id=tail_lines`);
    const panel = page.locator("updraft-task-instance");
    await panel.getByRole("heading", { name: "tail_lines" }).waitFor({ timeout: WAIT_MS });
    await panel.locator("[part=actions]").getByRole("button", { name: "Clear", exact: true }).click();
    const confirm = panel.getByRole("dialog", { name: "Clear tail_lines?" });
    await confirm.waitFor({ timeout: WAIT_MS });
    await screenshot(page, "actions-clear-confirm");
    await confirm.getByRole("button", { name: "Clear", exact: true }).click();
    await confirm.waitFor({ state: "hidden", timeout: WAIT_MS });

    // The gate of this run is open already, so the new try goes straight through.
    await expect.poll(async () => (await getTaskInstance(app.server, UI_DAG, runId, "tail_lines")).try_number, { timeout: WAIT_MS }).toBe(before.try_number + 1);
    await expect.poll(async () => (await getTaskInstance(app.server, UI_DAG, runId, "tail_lines")).state, { timeout: WAIT_MS }).toBe("success");
    await waitForRun(app.server, UI_DAG, runId);
    // The open panel follows the new try, and the grid follows it back to success.
    await panel.getByText(`Try ${before.try_number + 1} of`).waitFor({ timeout: WAIT_MS });
    await expect.poll(() => cell(page, runId, "tail_lines").getAttribute("data-state"), { timeout: WAIT_MS }).toBe("success");
    await expect.poll(() => cell(page, runId, "finish").getAttribute("data-state"), { timeout: WAIT_MS }).toBe("success");
  }, 120_000);

  it("marks the run failed, then success, through the run's actions", async () => {
    expect(runId).not.toBe("");
    await page.goto(`${app.server.baseUrl}/dags/${UI_DAG}/grid?run_id=${encodeURIComponent(runId)}`);
    const actions = page.getByRole("group", { name: `Actions on run ${runId}` });
    await actions.waitFor({ timeout: WAIT_MS });

    await actions.getByRole("button", { name: "Mark failed", exact: true }).click();
    const confirm = page.getByRole("dialog", { name: "Mark this run failed?" });
    await confirm.waitFor({ timeout: WAIT_MS });
    await screenshot(page, "actions-mark-confirm");
    await confirm.getByRole("button", { name: "Mark failed", exact: true }).click();
    await confirm.waitFor({ state: "hidden", timeout: WAIT_MS });
    await expect.poll(async () => (await getRun(app.server, UI_DAG, runId)).state, { timeout: WAIT_MS }).toBe("failed");
    await expect.poll(() => page.locator(`updraft-grid [data-r="-1"][data-run-id="${runId}"] .sg`).getAttribute("data-state"), { timeout: WAIT_MS }).toBe("failed");

    await actions.getByRole("button", { name: "Mark success", exact: true }).click();
    const again = page.getByRole("dialog", { name: "Mark this run success?" });
    await again.getByRole("button", { name: "Mark success", exact: true }).click();
    await again.waitFor({ state: "hidden", timeout: WAIT_MS });
    await expect.poll(async () => (await getRun(app.server, UI_DAG, runId)).state, { timeout: WAIT_MS }).toBe("success");
  }, 120_000);

  it("shows no Trigger, Clear or Mark button to a user with the read role", async () => {
    expect(runId).not.toBe("");
    const ctx = await newContext(browser);
    try {
      const p = await ctx.newPage();
      // A deep link asked for before signing in is where the form leads after it.
      const deep = `/dags/${UI_DAG}/grid?run_id=${encodeURIComponent(runId)}&task_id=tail_lines`;
      await p.goto(app.server.baseUrl + deep);
      await p.getByLabel("Username").fill(READER.name);
      await p.getByLabel("Password").fill(READER.password);
      await p.getByRole("button", { name: "Sign in", exact: true }).click();
      const panel = p.locator("updraft-task-instance");
      await panel.getByRole("heading", { name: "tail_lines" }).waitFor({ timeout: WAIT_MS });
      expect(new URL(p.url()).pathname).toBe(`/dags/${UI_DAG}/grid`);
      await panel.getByText("bonjour line 5").waitFor({ timeout: WAIT_MS });
      await p.locator("updraft-dag [part=runbar]").waitFor({ timeout: WAIT_MS });
      for (const name of ["Trigger", "Clear", "Clear run", "Mark success", "Mark failed", "Delete run"]) {
        expect(await p.getByRole("button", { name, exact: true }).count(), name).toBe(0);
      }
      await expect.poll(() => p.getByRole("switch", { name: `${UI_DAG} active` }).isDisabled()).toBe(true);
      await screenshot(p, "actions-read-only");

      await p.goto(`${app.server.baseUrl}/dags`);
      await p.getByRole("link", { name: UI_DAG, exact: true }).waitFor({ timeout: WAIT_MS });
      expect(await p.getByRole("button", { name: `Trigger ${UI_DAG}` }).count()).toBe(0);

      // As Airflow's Viewer: variable keys without values, and no connections.
      const made = await app.server.request("POST", "/api/v1/variables", { auth: "admin", body: { key: "ui_reader_visible", value: "not-for-readers", description: "a key readers may see" } });
      expect(made.status, made.text).toBe(200);
      await p.goto(`${app.server.baseUrl}/admin/variables`);
      await p.getByText("ui_reader_visible").waitFor({ timeout: WAIT_MS });
      expect(await p.getByText("not-for-readers").count()).toBe(0);
      expect(await p.getByRole("alert").count()).toBe(0);
      await p.goto(`${app.server.baseUrl}/admin/connections`);
      await p.getByText("Connections are shown to credentials with the edit scope").waitFor({ timeout: WAIT_MS });
      expect(await p.getByRole("alert").count()).toBe(0);
    } finally {
      await ctx.close();
    }
    expect(cspErrors).toEqual([]);
  }, 120_000);
});

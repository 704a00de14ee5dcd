// The example portal (apps/portal) as its users run it: its own small node:http server on another
// origin, a page with one script tag that loads Updraft's elements from a real `updraft standalone`
// and a read-only token restricted to one DAG (`updraft tokens create --scope read --dags …`). The
// page shows the DAG's run-status badge, grid and workers, live; the same token cannot read any
// other DAG through the API or the event stream.
import { readFile } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configFromEnv, startPortal } from "../../apps/portal/src/portal-server.ts";
import { freePort, REPO, startServer, type TestServer } from "../api/server.ts";
import { axeViolations, browserSkipReason, launchBrowser, screenshot } from "./browser.ts";

const skip = browserSkipReason() !== null;

/** The portal's DAG: the repository's own example ETL (extract, five mapped cleans, load, notify). */
const ALLOWED = "daily_sales";
/** Another DAG of the same server, which the portal's token must not see. */
const OTHER = "finance_daily";

const OTHER_DAG = `import { dag, task, chain } from "@updraft/sdk";
export default dag({ id: "${OTHER}", schedule: null, startDate: "2026-01-01", tags: ["finance"], description: "Secret ledger totals." }, () => {
  const ledger = task("read_ledger", async (ctx) => {
    ctx.log.info("reading the ledger");
    await new Promise((r) => setTimeout(r, 300));
    return 42;
  });
  const close = task("close_books", (_ctx, n: number) => n + 1);
  chain(close(ledger()));
});
`;

const LONG = 60_000;

let server: TestServer;
let portal: Server;
let portalUrl: string;
let portalToken: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/**
 * Reads `/api/updraft/events` with a bearer token as the elements do (fetch, not EventSource),
 * collecting every event until `close()`.
 */
function openStream(token: string, query = ""): { events: SseEvent[]; status: Promise<number>; until(pred: (e: SseEvent[]) => boolean, what: string): Promise<void>; close(): void } {
  const events: SseEvent[] = [];
  const ac = new AbortController();
  let resolveStatus!: (n: number) => void;
  const status = new Promise<number>((r) => (resolveStatus = r));
  const waiters = new Set<() => void>();
  void (async () => {
    try {
      const res = await fetch(`${server.baseUrl}/api/updraft/events${query}`, { headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" }, signal: ac.signal });
      resolveStatus(res.status);
      if (!res.ok || !res.body) return;
      const decoder = new TextDecoder();
      let buf = "";
      for await (const chunk of res.body) {
        buf += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          let event = "message";
          const data: string[] = [];
          for (const line of block.split("\n")) {
            if (line.startsWith("event:")) event = line.slice(6).trim();
            else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
          }
          if (data.length) {
            events.push({ event, data: JSON.parse(data.join("\n")) as Record<string, unknown> });
            for (const w of waiters) w();
          }
        }
      }
    } catch (err) {
      if (!ac.signal.aborted) throw err;
    }
  })();
  return {
    events,
    status,
    close: () => ac.abort(),
    until: (pred, what) => new Promise<void>((resolve, reject) => {
      if (pred(events)) return resolve();
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`the event stream did not show ${what} in time; it carried:\n${events.map((e) => JSON.stringify(e.data)).join("\n")}`));
      }, LONG);
      const check = () => {
        if (!pred(events)) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
    }),
  };
}

async function trigger(dagId: string, conf: Record<string, unknown> = {}): Promise<string> {
  const r = await server.request("POST", `/api/v1/dags/${dagId}/dagRuns`, { body: { conf } });
  expect(r.status, r.text).toBe(200);
  return (r.json as { dag_run_id: string }).dag_run_id;
}

async function waitForRun(dagId: string, runId: string): Promise<string> {
  const end = Date.now() + LONG * 1.5;
  for (;;) {
    const r = await server.request("GET", `/api/v1/dags/${dagId}/dagRuns/${encodeURIComponent(runId)}`);
    const state = (r.json as { state?: string } | undefined)?.state ?? "";
    if (state === "success" || state === "failed") return state;
    if (Date.now() > end) throw new Error(`run ${dagId}/${runId} still ${state || r.status} in time\n${server.log().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const asToken = (token: string) => ({ auth: { header: `Bearer ${token}` } });

beforeAll(async () => {
  if (skip) return;
  // The portal's origin must be known before the server starts, to allow it.
  const portalPort = await freePort();
  const portalOrigin = `http://127.0.0.1:${portalPort}`;
  server = await startServer({
    dags: { files: { "daily_sales.ts": await readFile(join(REPO, "dags", "daily_sales.ts"), "utf8"), "finance_daily.ts": OTHER_DAG }, dagIds: [ALLOWED, OTHER] },
    env: { UPDRAFT_CORS_ORIGINS: portalOrigin },
  });
  // The token a portal owner makes: read-only, one DAG, expiring.
  const made = await server.cli(["tokens", "create", "--scope", "read", "--dags", ALLOWED, "--expires", "1d", "--name", "acme-portal"]);
  expect(made.code, made.stderr).toBe(0);
  portalToken = made.stdout.trim();
  expect(portalToken).toMatch(/^updr_[A-Za-z0-9_-]{43}$/);
  expect(made.stderr).toContain(`DAGs ${ALLOWED}`);

  // Finished runs, so that the grid has some history when the page opens (the DAG runs one at a
  // time: maxActiveRuns 1).
  const history: string[] = [];
  for (const region of ["us", "apac", "eu", "us", "apac", "eu", "us"]) history.push(await trigger(ALLOWED, { region }));
  for (const runId of history) await waitForRun(ALLOWED, runId);

  const config = configFromEnv({ UPDRAFT_URL: server.baseUrl, UPDRAFT_TOKEN: portalToken, UPDRAFT_DAG: ALLOWED, PORTAL_HOST: "127.0.0.1", PORTAL_PORT: String(portalPort) });
  portal = await startPortal(config);
  portalUrl = `http://127.0.0.1:${(portal.address() as AddressInfo).port}`;
  expect(portalUrl).toBe(portalOrigin);

  browser = await launchBrowser();
  // bypassCSP: the portal's policy allows scripts from itself and Updraft only; axe is injected
  // inline for the accessibility check.
  context = await browser.newContext({ viewport: { width: 1440, height: 900 }, bypassCSP: true });
  page = await context.newPage();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (portal ? portal.close(() => resolve()) : resolve()));
  await server?.stop();
}, 60_000);

describe.skipIf(skip)("the example portal on another origin, with a read token restricted to one DAG", () => {
  const failures: string[] = [];
  const consoleErrors: string[] = [];

  it("shows the run-status badge, the grid of its DAG and the workers, from one script tag", async () => {
    page.on("response", (res) => {
      if (res.url().startsWith(server.baseUrl) && res.status() >= 400) failures.push(`${res.status()} ${res.request().method()} ${res.url()}`);
    });
    page.on("console", (msg) => {
      if (msg.type() === "error") consoleErrors.push(msg.text());
    });
    page.on("pageerror", (err) => consoleErrors.push(String(err)));
    await page.goto(`${portalUrl}/`);
    await page.getByRole("heading", { name: "Daily sales", level: 1 }).waitFor({ timeout: LONG });

    // Nothing but one script tag: Updraft's, from the other origin.
    const scripts = await page.locator("script").evaluateAll((els) => els.map((s) => ({ src: (s as unknown as { src: string }).src, inline: !s.hasAttribute("src") })));
    expect(scripts).toEqual([{ src: `${server.baseUrl}/ui/updraft.js`, inline: false }]);
    expect(new URL(page.url()).origin).not.toBe(new URL(server.baseUrl).origin);

    // The badge: the latest run, done, with its progress.
    const badge = page.locator("updraft-run-status [part=badge][role=status]");
    await badge.waitFor({ timeout: LONG });
    await expect.poll(() => badge.getAttribute("aria-label"), { timeout: LONG }).toMatch(new RegExp(`^${ALLOWED}: run .+ success, (\\d+) of \\1 tasks done$`));

    // The grid: the DAG's tasks as rows, its finished runs as columns of green cells.
    const grid = page.locator("updraft-grid [role=grid]");
    await grid.waitFor({ timeout: LONG });
    const cells = page.locator("updraft-grid [role=gridcell]");
    await expect.poll(() => cells.count(), { timeout: LONG }).toBeGreaterThanOrEqual(8 * 4);
    const tasks = await cells.evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute("data-task-id")))].sort());
    expect(tasks).toEqual(["clean", "extract", "load", "notify"]);
    const states = await cells.evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute("data-state")))]);
    expect(states).toEqual(["success"]);

    // The workers: the scheduler's own pool, live.
    const workers = page.locator("updraft-workers");
    await workers.getByRole("heading", { name: "Workers", level: 2 }).waitFor({ timeout: LONG });
    await expect.poll(() => workers.locator("tr.worker").count(), { timeout: LONG }).toBeGreaterThanOrEqual(1);
    await expect.poll(() => workers.locator(".live").getAttribute("data-status"), { timeout: LONG }).toBe("live");
  }, 120_000);

  it("turns the grid's cells of a new run green live, without a reload", async () => {
    await page.evaluate(() => ((globalThis as unknown as { portalMarker: number }).portalMarker = 1));
    const runId = await trigger(ALLOWED, { region: "eu" });
    const column = page.locator(`updraft-grid [role=gridcell][data-run-id="${runId}"]`);
    // The new run's column appears, then every cell of it turns success.
    await expect.poll(() => column.count(), { timeout: LONG }).toBe(4);
    await expect.poll(() => column.evaluateAll((els) => els.map((e) => e.getAttribute("data-state")).join(",")), { timeout: LONG * 1.5 })
      .toBe("success,success,success,success");
    await expect.poll(() => page.locator("updraft-run-status [part=badge][role=status]").getAttribute("aria-label"), { timeout: LONG })
      .toMatch(new RegExp(`^${ALLOWED}: run ${runId.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} success, (\\d+) of \\1 tasks done$`));
    // The same document: no reload happened.
    expect(await page.evaluate(() => (globalThis as unknown as { portalMarker?: number }).portalMarker)).toBe(1);
    // The workers' task stream drew the new run's tries.
    await expect.poll(() => page.locator(`updraft-workers .bar[data-key*="${runId}"]`).count(), { timeout: LONG }).toBeGreaterThanOrEqual(1);
  }, 150_000);

  it("made every call to Updraft with success and logged no error", () => {
    expect(failures).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it("has no serious or critical accessibility violation; the screenshot is saved", async () => {
    await page.mouse.move(0, 0);
    await screenshot(page, "portal");
    await screenshot(page, "portal-full", { fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
  }, 60_000);

  it("shows nothing of another DAG when the page is pointed at it", async () => {
    const other = await context.newPage();
    try {
      await other.goto(`${portalUrl}/?dag=${OTHER}`);
      // The badge and the grid say the DAG is not there, as for a DAG that does not exist.
      await other.locator("updraft-run-status [part=badge]").filter({ hasText: /not found|404/i }).waitFor({ timeout: LONG });
      await other.locator("updraft-grid").getByText(/not found|404/i).first().waitFor({ timeout: LONG });
      expect(await other.locator("updraft-grid [role=gridcell]").count()).toBe(0);
      expect(await other.content()).not.toContain("read_ledger");
    } finally {
      await other.close();
    }
  }, 90_000);

  it("cannot read another DAG through the API", async () => {
    const t = asToken(portalToken);
    expect((await server.request("GET", `/api/v1/dags/${ALLOWED}`, t)).status).toBe(200);
    expect((await server.request("GET", `/api/v1/dags/${OTHER}`, t)).status).toBe(404);
    expect((await server.request("GET", `/api/v1/dags/${OTHER}/dagRuns`, t)).status).toBe(404);
    expect((await server.request("GET", `/api/updraft/ui/dags/${OTHER}/run-status`, t)).status).toBe(404);
    const list = await server.request("GET", "/api/v1/dags?only_active=false&limit=100", t);
    expect(list.status).toBe(200);
    expect((list.json as { dags: Array<{ dag_id: string }> }).dags.map((d) => d.dag_id)).toEqual([ALLOWED]);
    // The admin token sees both, so the filter is the token's.
    const all = await server.request("GET", "/api/v1/dags?only_active=false&limit=100");
    expect((all.json as { dags: Array<{ dag_id: string }> }).dags.map((d) => d.dag_id).sort()).toEqual([ALLOWED, OTHER]);
    // Read-only: it cannot trigger, not even its own DAG.
    expect((await server.request("POST", `/api/v1/dags/${ALLOWED}/dagRuns`, { ...t, body: { conf: {} } })).status).toBe(403);
    expect((await server.request("POST", `/api/v1/dags/${OTHER}/dagRuns`, { ...t, body: { conf: {} } })).status).toBeGreaterThanOrEqual(403);
  });

  it("gets only its DAG's events from the event stream while another DAG runs", async () => {
    const mine = openStream(portalToken);
    const peek = openStream(portalToken, `?dag_id=${OTHER}`);
    const admin = openStream(server.tokens.admin);
    try {
      expect(await mine.status).toBe(200);
      expect(await peek.status).toBe(200);
      expect(await admin.status).toBe(200);
      const otherRun = await trigger(OTHER);
      const allowedRun = await trigger(ALLOWED, { region: "us" });
      const ended = (dagId: string, runId: string) => (es: SseEvent[]) => es.some((e) => e.event === "run" && e.data.dag_id === dagId && e.data.run_id === runId && (e.data.state === "success" || e.data.state === "failed"));
      // The admin's stream shows both runs to their end; by then the restricted streams had every chance to leak.
      await admin.until(ended(OTHER, otherRun), `${OTHER}'s run ending`);
      await admin.until(ended(ALLOWED, allowedRun), `${ALLOWED}'s run ending`);
      await mine.until(ended(ALLOWED, allowedRun), `${ALLOWED}'s run ending`);
      expect(admin.events.filter((e) => e.data.dag_id === OTHER && e.event === "task").length).toBeGreaterThanOrEqual(2);

      const dagsSeen = new Set(mine.events.filter((e) => e.event !== "worker").map((e) => e.data.dag_id));
      expect([...dagsSeen]).toEqual([ALLOWED]);
      expect(mine.events.filter((e) => e.event === "task" && e.data.run_id === allowedRun).length).toBeGreaterThanOrEqual(4);
      // Worker events carry no other DAG's tries either.
      expect(JSON.stringify(mine.events)).not.toContain(OTHER);
      // Asking for the other DAG by name gives nothing at all.
      expect(peek.events).toEqual([]);

      // The workers' endpoint lists the tries of the token's DAG only (the admin's lists both).
      const triesOf = async (auth: { auth: { header: string } } | Record<string, never>) => {
        const r = await server.request("GET", "/api/updraft/ui/workers?minutes=10", auth);
        expect(r.status, r.text).toBe(200);
        return new Set((r.json as { tries: Array<{ dag_id: string }> }).tries.map((t) => t.dag_id));
      };
      expect([...(await triesOf({}))].sort()).toEqual([ALLOWED, OTHER]);
      expect([...(await triesOf(asToken(portalToken)))]).toEqual([ALLOWED]);

      // The portal page drew the run's tries live and none of the other DAG's, and after a reload neither.
      const bars = (dagId: string, runId = "") => page.locator(`updraft-workers .bar[data-key^="${dagId}\\1f ${runId}"]`);
      await expect.poll(() => bars(ALLOWED, allowedRun).count(), { timeout: LONG }).toBeGreaterThanOrEqual(1);
      expect(await bars(OTHER).count()).toBe(0);
      await page.reload();
      await expect.poll(() => bars(ALLOWED, allowedRun).count(), { timeout: LONG }).toBeGreaterThanOrEqual(1);
      expect(await bars(OTHER).count()).toBe(0);
    } finally {
      mine.close();
      peek.close();
      admin.close();
    }
  }, 150_000);
});

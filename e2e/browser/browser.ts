// What the browser suites share: Debian's Chromium driven by playwright-core (no browser download),
// a screenshot folder kept as the run's artefacts, and an axe-core check. On a machine without
// Chromium the suites skip with a message; with UPDRAFT_REQUIRE_BROWSER=1 (CI) they fail instead.
import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { REPO } from "../api/server.ts";

const CANDIDATES = [process.env.UPDRAFT_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].filter(Boolean) as string[];

/** The Chromium binary, or null when the machine has none. */
export const CHROMIUM = CANDIDATES.find((p) => existsSync(p)) ?? null;

/** Whether the browser suites must run (CI): a missing browser then fails them instead of skipping. */
export const BROWSER_REQUIRED = process.env.UPDRAFT_REQUIRE_BROWSER === "1";

/** Why the suites skip, or null when they run. Throws in CI when the browser is missing. */
export function browserSkipReason(): string | null {
  if (CHROMIUM) return null;
  const why = `no Chromium found (looked for ${CANDIDATES.join(", ")}); install Debian's \`chromium\` or set UPDRAFT_CHROMIUM`;
  if (BROWSER_REQUIRED) throw new Error(`browser suites are required here (UPDRAFT_REQUIRE_BROWSER=1) but ${why}`);
  console.warn(`skipping browser suites: ${why}`);
  return why;
}

/** Starts headless Chromium with the flags this closed network needs. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM!,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
}

/** Where screenshots go: `e2e/browser/artifacts/` unless UPDRAFT_ARTIFACTS says otherwise. */
export const ARTIFACTS = process.env.UPDRAFT_ARTIFACTS ?? join(REPO, "e2e", "browser", "artifacts");

/** Saves a full-page screenshot as `<name>.png` among the artefacts; returns its path. */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: options.fullPage ?? false });
  return path;
}

/** One axe-core finding: the rule, its impact and where. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

let axeSource: string | null = null;

/**
 * Runs axe-core on the page (shadow roots included) and returns the serious and critical
 * violations. @example expect(await axeViolations(page)).toEqual([]);
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= await readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const r = await axe.run((globalThis as unknown as { document: unknown }).document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)) }));
  });
  return result.filter((v) => v.impact === "serious" || v.impact === "critical");
}

// What the multi-process recovery suites share: the CLI's path and a wait on a condition.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

export const UPDRAFT = new URL("../../node_modules/.bin/updraft", import.meta.url).pathname;
export const run = promisify(execFile);

/** Polls `probe` every 100 ms until it returns something other than undefined. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

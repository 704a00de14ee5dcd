// The XCom size limit (UPDRAFT_MAX_XCOM_BYTES, 1 MiB by default): one check, used where a try's
// outcome is made (run-task.ts, in threads and on remote workers) and again where a remote
// worker's result is received (the server does not trust a worker to have checked), and the
// largest worker socket frame, which is derived from it.
import type { Json } from "@updraft/sdk";
import type { TaskOutcome } from "./protocol.ts";

/** The default largest XCom, in bytes of JSON. */
export const DEFAULT_MAX_XCOM_BYTES = 1024 * 1024;

function bytesFromEnv(name: string, fallback: number, env: Record<string, string | undefined>): number {
  const raw = env[name]?.trim();
  const n = raw ? Number(raw) : fallback;
  return Number.isSafeInteger(n) && n >= 1 ? n : fallback;
}

/**
 * The largest XCom a try may store, in bytes of JSON: UPDRAFT_MAX_XCOM_BYTES, or 1 MiB.
 * @example maxXcomBytes({ UPDRAFT_MAX_XCOM_BYTES: "4096" }) // 4096
 */
export function maxXcomBytes(env: Record<string, string | undefined> = process.env): number {
  return bytesFromEnv("UPDRAFT_MAX_XCOM_BYTES", DEFAULT_MAX_XCOM_BYTES, env);
}

/**
 * Why an outcome may not be stored (its return value or a pushed XCom is larger than the limit,
 * named with the task, the key and the limit), or null when it may.
 * @example xcomLimitError({ status: "success", value: "x".repeat(2e6), pushed: {} }, "load") // 'task "load": XCom "return_value" is …'
 */
export function xcomLimitError(outcome: TaskOutcome, taskId: string, limit = maxXcomBytes()): string | null {
  if (outcome.status !== "success" && outcome.status !== "skipped") return null;
  const entries: Array<[string, Json | undefined]> = [...Object.entries(outcome.pushed), ...(outcome.status === "success" ? [["return_value", outcome.value] as [string, Json | undefined]] : [])];
  for (const [key, value] of entries) {
    if (value === undefined || (typeof value !== "object" && typeof value !== "string")) continue;
    const bytes = Buffer.byteLength(JSON.stringify(value), "utf8");
    if (bytes > limit) return `task "${taskId}": XCom "${key}" is ${bytes} bytes of JSON, more than the limit of ${limit} bytes (UPDRAFT_MAX_XCOM_BYTES); store large data elsewhere and pass a reference`;
  }
  return null;
}

/** Throws a RangeError when the outcome breaks the XCom size limit (see xcomLimitError). */
export function checkXcomSizes(outcome: TaskOutcome, taskId: string): void {
  const error = xcomLimitError(outcome, taskId);
  if (error) throw new RangeError(error);
}

/**
 * The largest frame a worker socket carries, in bytes: room for a result with four XComs at the
 * limit (or a variable at UPDRAFT_MAX_VARIABLE_BYTES, 512 KiB by default, if that is larger),
 * plus 1 MiB for the rest of the frame. 5 MiB with the defaults. The server's socket refuses a
 * larger frame (closing the connection, 1009) before buffering it, and tells the worker this
 * figure in `welcome` so that the worker never sends one: a result that would not fit is sent as
 * a failure naming the limit, log batches are split and overlong lines cut.
 * @example maxWorkerFrameBytes({}) // 5242880
 */
export function maxWorkerFrameBytes(env: Record<string, string | undefined> = process.env): number {
  const value = Math.max(maxXcomBytes(env), bytesFromEnv("UPDRAFT_MAX_VARIABLE_BYTES", 512 * 1024, env));
  return 4 * value + 1024 * 1024;
}

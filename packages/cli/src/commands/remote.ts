// The CLI against a running server (`--server URL --token T`, or UPDRAFT_SERVER / UPDRAFT_TOKEN):
// trigger a run and follow it live over the server's event stream, list and pause DAGs, through
// the same REST API that Airflow clients use (variables, connections and pools: their own
// modules, with api-pages.ts for collections past one page).
import type { Config } from "../config.ts";
import type { SchedulerEvent } from "@updraft/scheduler";
import type { TaskState } from "@updraft/sdk";
import { UsageError } from "../errors.ts";
import { RunProgress } from "../progress.ts";
import { printTable } from "./output.ts";
import { parseConf, parseLogicalDate } from "./parse-flags.ts";

export class RemoteError extends Error {
  override name = "RemoteError";
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export class ApiClient {
  private readonly base: string;
  private readonly token: string;

  constructor(config: Config) {
    if (!config.server) throw new UsageError("no server: pass --server URL (or set UPDRAFT_SERVER)");
    if (!config.token) throw new UsageError("no token: pass --token T (or set UPDRAFT_TOKEN); create one with `updraft tokens create`");
    this.base = config.server.replace(/\/+$/, "");
    this.token = config.token;
  }

  async request<T>(method: string, path: string, body?: unknown, accept = "application/json"): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, accept, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      throw new RemoteError(0, `cannot reach ${this.base}: ${(err as Error).message}`);
    }
    if (!res.ok) {
      const text = await res.text();
      let detail = text;
      try {
        detail = (JSON.parse(text) as { detail?: string }).detail ?? text;
      } catch {
        // not a problem body
      }
      throw new RemoteError(res.status, `${method} ${path}: ${res.status} ${detail}`);
    }
    if (res.status === 204) return undefined as T;
    return (accept === "application/json" ? await res.json() : await res.text()) as T;
  }

  /**
   * Follows the event stream; resolves when `until` says so, or false if the server has no stream
   * or dropped this client for falling behind (an `overflow` event): the caller then polls.
   */
  async follow(query: string, onEvent: (e: Record<string, unknown>) => boolean): Promise<boolean> {
    const res = await fetch(`${this.base}/api/updraft/events?${query}`, { headers: { authorization: `Bearer ${this.token}`, accept: "text/event-stream" } });
    if (!res.ok || !res.body) return false;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return true;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trim()).join("\n");
          if (!data) continue;
          const e = JSON.parse(data) as Record<string, unknown>;
          if (e.type === "overflow") return false;
          if (onEvent(e)) return true;
        }
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }
}

const enc = encodeURIComponent;

export async function remoteTrigger(config: Config, dagId: string, opts: { conf?: string; logicalDate?: string; runId?: string; wait: boolean }): Promise<number> {
  const client = new ApiClient(config);
  const logical = parseLogicalDate(opts.logicalDate);
  const run = await client.request<{ dag_run_id: string; state: string }>("POST", `/api/v1/dags/${enc(dagId)}/dagRuns`, {
    conf: parseConf(opts.conf),
    ...(logical ? { logical_date: logical.toISOString() } : {}),
    ...(opts.runId ? { dag_run_id: opts.runId } : {}),
  });
  console.log(`queued run ${run.dag_run_id} of dag ${dagId} on ${config.server}`);
  if (!opts.wait) return 0;

  const progress = new RunProgress(process.stderr);
  let final: string | null = null;
  const streamed = await client.follow(`dag_id=${enc(dagId)}&run_id=${enc(run.dag_run_id)}`, (e) => {
    if (e.type === "task") {
      progress.update({
        type: "task", dagId, runId: run.dag_run_id, taskId: String(e.task_id), mapIndex: Number(e.map_index), state: (e.state ?? "none") as TaskState,
        tryNumber: Number(e.try_number), at: e.at ? Date.parse(String(e.at)) : Date.now(), hostname: (e.hostname as string | null) ?? null,
      } satisfies SchedulerEvent);
    } else if (e.type === "run" && (e.state === "success" || e.state === "failed")) {
      final = String(e.state);
      return true;
    }
    return false;
  });
  if (!streamed) {
    // A server without a scheduler in its process (`updraft api`) has no stream: follow the run itself.
    for (;;) {
      const r = await client.request<{ state: string }>("GET", `/api/v1/dags/${enc(dagId)}/dagRuns/${enc(run.dag_run_id)}`);
      if (r.state === "success" || r.state === "failed") {
        final = r.state;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
  progress.end();
  console.log(`run ${run.dag_run_id}: ${final ?? "unknown"}`);
  if (final !== "success") await printFailedLogs(client, dagId, run.dag_run_id);
  return final === "success" ? 0 : 1;
}

async function printFailedLogs(client: ApiClient, dagId: string, runId: string): Promise<void> {
  try {
    const { task_instances } = await client.request<{ task_instances: Array<{ task_id: string; map_index: number; try_number: number }> }>(
      "GET", `/api/v1/dags/${enc(dagId)}/dagRuns/${enc(runId)}/taskInstances?state=failed&limit=10`);
    for (const t of task_instances) {
      const text = await client.request<string>("GET", `/api/v1/dags/${enc(dagId)}/dagRuns/${enc(runId)}/taskInstances/${enc(t.task_id)}/logs/${t.try_number}?map_index=${t.map_index}`, undefined, "text/plain");
      const tail = text.trimEnd().split("\n").slice(-20).join("\n");
      process.stderr.write(`\n--- log of ${t.task_id}${t.map_index >= 0 ? `[${t.map_index}]` : ""} (try ${t.try_number})\n${tail}\n`);
    }
  } catch (err) {
    process.stderr.write(`(could not fetch the failed tasks' logs: ${(err as Error).message})\n`);
  }
}

export async function remoteDags(config: Config, sub: string, dagId: string | undefined, output?: string): Promise<number> {
  const client = new ApiClient(config);
  switch (sub) {
    case "list": {
      const { dags } = await client.request<{ dags: Array<Record<string, unknown>> }>("GET", "/api/v1/dags?limit=100");
      printTable(dags.map((d) => ({ dag_id: d.dag_id, fileloc: d.fileloc, schedule: d.timetable_description, is_paused: d.is_paused, tags: (d.tags as Array<{ name: string }>).map((t) => t.name).join(",") })), output);
      return 0;
    }
    case "pause":
    case "unpause": {
      if (!dagId) throw new UsageError(`usage: updraft dags ${sub} ID`);
      await client.request("PATCH", `/api/v1/dags/${enc(dagId)}?update_mask=is_paused`, { is_paused: sub === "pause" });
      console.log(`dag ${dagId} ${sub}d`);
      return 0;
    }
    default:
      throw new UsageError(`dags ${sub} does not work against a server yet; run it where the database is`);
  }
}

// A task's definition as the task-instance panel shows it (kind, options, upstream/downstream,
// doc) and its templated fields: the template text, and for a shell command the command as the
// try ran it, read from the try's log ("Running command: …", secrets already masked there).
// Updraft does not store rendered fields, and rendering again on the server would need variables
// and connections the caller may not read, so anything else is shown as "rendered at run time".
import { open } from "node:fs/promises";
import type { SerializedDag, SerializedTask } from "@updraft/sdk";

const secs = (ms: number | null) => (ms == null ? null : ms / 1000);

/**
 * The definition of one task as JSON for the UI, with the ids of its direct downstream tasks.
 * @example taskDefinitionJson(dag, dag.tasks[0]!, false)
 */
export function taskDefinitionJson(dag: SerializedDag, t: SerializedTask, submittable: boolean) {
  return {
    task_id: t.id,
    kind: t.kind,
    doc: t.doc,
    submittable,
    is_mapped: t.expand !== null,
    upstream: t.upstream,
    downstream: dag.tasks.filter((o) => o.upstream.includes(t.id)).map((o) => o.id),
    retries: t.retries,
    retry_delay: secs(t.retryDelayMs),
    retry_exponential_backoff: t.retryExponentialBackoff,
    max_retry_delay: secs(t.maxRetryDelayMs),
    execution_timeout: secs(t.executionTimeoutMs),
    trigger_rule: t.triggerRule,
    depends_on_past: t.dependsOnPast,
    pool: t.pool,
    pool_slots: t.poolSlots,
    priority_weight: t.priorityWeight,
    queue: t.queue,
    sensor: t.sensor
      ? { mode: t.sensor.mode, poke_interval: secs(t.sensor.pokeIntervalMs), timeout: secs(t.sensor.timeoutMs), soft_fail: t.sensor.softFail, exponential_backoff: t.sensor.exponentialBackoff }
      : null,
  };
}

export type TaskDefinitionJson = ReturnType<typeof taskDefinitionJson>;

/** One templated field: its template and, when known, what it rendered to. */
export interface TemplateFieldJson {
  field: string;
  template: string;
  rendered: string | null;
  /** Where `rendered` comes from (`log`: the try's own log line), or null when not known. */
  rendered_from: "log" | null;
  note: string | null;
}

/** The templated fields of a task (a shell task's command and environment; none for other kinds). */
export function templateFields(t: SerializedTask, ranCommand: { command: string; tryNumber: number } | null): TemplateFieldJson[] {
  if (!t.shell) return [];
  const templated = (s: string) => s.includes("{{") || s.includes("{%");
  const fields: TemplateFieldJson[] = [{
    field: "command",
    template: t.shell.command,
    rendered: ranCommand?.command ?? null,
    rendered_from: ranCommand ? "log" : null,
    note: ranCommand ? `as try ${ranCommand.tryNumber} ran it (secrets masked)` : "rendered at run time; no try has run it yet",
  }];
  for (const [k, v] of Object.entries(t.shell.env)) {
    const isTemplate = templated(v);
    fields.push({
      field: `env.${k}`, template: v, rendered: isTemplate ? null : v, rendered_from: null,
      note: isTemplate ? "rendered at run time (Updraft does not record rendered environment values)" : null,
    });
  }
  if (t.shell.cwd) fields.push({ field: "cwd", template: t.shell.cwd, rendered: t.shell.cwd, rendered_from: null, note: null });
  return fields;
}

/** How far into a log to look for the command line: the runtime writes it first. */
const HEAD_BYTES = 64 * 1024;
const LINE_START = /^\[\d{4}-\d{2}-\d{2}T[^\]]*\] [A-Z]+ - /;
const COMMAND_PREFIX = "Running command: ";

/**
 * The command a shell try ran, from its log's first "Running command:" line (a multi-line command
 * runs on until the next log line); null when the log is missing or has no such line.
 */
export async function commandFromLog(path: string): Promise<string | null> {
  let head: string;
  try {
    const file = await open(path, "r");
    try {
      const buf = Buffer.alloc(HEAD_BYTES);
      const { bytesRead } = await file.read(buf, 0, HEAD_BYTES, 0);
      head = buf.subarray(0, bytesRead).toString("utf8");
    } finally {
      await file.close();
    }
  } catch {
    return null;
  }
  const lines = head.split("\n");
  const at = lines.findIndex((l) => LINE_START.test(l) && l.replace(LINE_START, "").startsWith(COMMAND_PREFIX));
  if (at < 0) return null;
  const out = [lines[at]!.replace(LINE_START, "").slice(COMMAND_PREFIX.length)];
  for (const l of lines.slice(at + 1)) {
    if (LINE_START.test(l)) break;
    out.push(l);
  }
  while (out.length > 1 && out.at(-1) === "") out.pop();
  return out.join("\n");
}

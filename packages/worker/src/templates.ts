// Renders templated fields with nunjucks (Jinja syntax, as Airflow users write them), with
// Airflow's context names. Undefined names are errors, as with Airflow's StrictUndefined.
import nunjucks from "nunjucks";
import type { Json } from "@updraft/sdk";
import type { TaskAssignment, TaskHost } from "./protocol.ts";
import { TemplateError } from "./errors.ts";
import { isSensitiveKey, type TaskLog } from "./task-log.ts";
import { connectionSecrets } from "./connection-secrets.ts";

const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true });

const compact = (iso: string) => iso.replace(/[-:]/g, "").replace(/\.\d+/, "").replace(/Z$|[+]0000$/, "");
/** Airflow's `ts`: ISO 8601 with an explicit +00:00 offset and no milliseconds. */
const airflowTs = (iso: string) => iso.replace(/\.\d+Z$/, "+00:00").replace(/Z$/, "+00:00");

/**
 * Renders `template` for a try. Variables, connections and XComs it mentions are fetched from
 * the host first, since templates render synchronously.
 */
export async function renderTemplate(template: string, a: TaskAssignment, host: TaskHost, log: TaskLog): Promise<string> {
  const value: Record<string, string> = {};
  const json: Record<string, Json> = {};
  const conn: Record<string, unknown> = {};
  const xcoms = new Map<string, Json | undefined>();

  const fetches: Array<Promise<void>> = [];
  for (const [, kind, key] of template.matchAll(/\bvar\.(value|json)\.([A-Za-z0-9_]+)/g)) {
    fetches.push(
      host.variableGet(key!).then((v) => {
        if (v === undefined) return;
        if (isSensitiveKey(key!)) log.mask(v);
        if (kind === "value") value[key!] = v;
        else {
          try {
            json[key!] = JSON.parse(v) as Json;
          } catch (err) {
            throw new TemplateError(`variable "${key}" is not JSON, so var.json.${key} cannot read it`, { cause: err });
          }
        }
      }),
    );
  }
  for (const [, id] of template.matchAll(/\bconn\.([A-Za-z0-9_]+)/g)) {
    fetches.push(host.connectionGet(id!).then((c) => {
      if (!c) return;
      for (const secret of connectionSecrets(c)) log.mask(secret);
      conn[id!] = { ...c, conn_id: c.connId, conn_type: c.connType };
    }));
  }
  for (const [, taskId, key] of template.matchAll(/\bxcom\(\s*["']([^"']+)["']\s*(?:,\s*["']([^"']+)["']\s*)?\)/g)) {
    const k = `${taskId}\u0000${key ?? "return_value"}`;
    if (xcoms.has(k)) continue;
    xcoms.set(k, undefined);
    fetches.push(host.xcomPull({ dagId: a.dagId, runId: a.runId, taskId: taskId!, key: key ?? "return_value", mapIndex: null }).then((v) => void xcoms.set(k, v)));
  }
  await Promise.all(fetches);

  const context = {
    ds: a.logicalDate.slice(0, 10),
    ds_nodash: a.logicalDate.slice(0, 10).replace(/-/g, ""),
    ts: airflowTs(a.logicalDate),
    ts_nodash: compact(a.logicalDate),
    logical_date: airflowTs(a.logicalDate),
    data_interval_start: airflowTs(a.dataIntervalStart),
    data_interval_end: airflowTs(a.dataIntervalEnd),
    run_id: a.runId,
    dag_id: a.dagId,
    task_id: a.taskId,
    map_index: a.mapIndex,
    try_number: a.tryNumber,
    params: a.params,
    conf: a.conf,
    dag_run: { run_id: a.runId, conf: a.conf, run_type: a.runType },
    var: { value, json },
    conn,
    xcom: (taskId: string, key = "return_value") => {
      const v = xcoms.get(`${taskId}\u0000${key}`);
      return typeof v === "object" && v !== null ? JSON.stringify(v) : v;
    },
  };
  try {
    return env.renderString(template, context);
  } catch (err) {
    const message = err instanceof Error ? err.message.replace(/^\(unknown path\)\s*/, "").trim() : String(err);
    throw new TemplateError(`task "${a.taskId}": template ${JSON.stringify(template)} does not render: ${message}`, { cause: err });
  }
}

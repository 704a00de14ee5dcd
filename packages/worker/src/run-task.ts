// Runs one try of one task: finds the task in its bundle, builds ctx, calls it by kind and turns
// whatever happens into a TaskOutcome. Used alike by scheduler threads and remote workers.
import { isMainThread } from "node:worker_threads";
import { finishElement, isDerived, toErrorData, type Dag, type Json, type RuntimeTask } from "@updraft/sdk";
import type { TaskAssignment, TaskHost, TaskOutcome } from "./protocol.ts";
import { loadDag } from "./bundle-loader.ts";
import { buildContext, type BuiltContext } from "./task-context.ts";
import { renderTemplate } from "./templates.ts";
import { runShell, SKIP_EXIT_CODE } from "./shell.ts";
import { runSensor } from "./sensor.ts";
import { TaskLog, UPDRAFT_SECRET_ENV, routeConsole, withTaskLog } from "./task-log.ts";
import { ShellCommandError } from "./errors.ts";
import { checkXcomSizes } from "./xcom-limit.ts";

/** A worker thread's environment is its own copy: task code there cannot read Updraft's secrets. */
function hideSecretsInThread(): void {
  if (isMainThread) return;
  for (const k of UPDRAFT_SECRET_ENV) delete process.env[k];
}

/** A task's result must be JSON to become an XCom; say so plainly when it is not. */
function toJson(value: unknown, taskId: string): Json | undefined {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(JSON.stringify(value)) as Json;
  } catch (err) {
    throw new TypeError(`task "${taskId}" returned a value that cannot be stored as JSON: ${(err as Error).message}`);
  }
}

async function execute(dag: Dag, a: TaskAssignment, host: TaskHost, log: TaskLog, signal: AbortSignal): Promise<TaskOutcome> {
  const built = buildContext(a, dag, host, log, signal);
  try {
    const outcome = await executeKind(dag, dag.task(a.taskId), built, a, host, log, signal);
    checkXcomSizes(outcome, a.taskId);
    return outcome;
  } finally {
    built.close();
  }
}

/**
 * The task ids a branch returned, checked as Airflow's skip_all_except does: strings, each the id
 * of a task of the DAG (at any depth below the branch, or anywhere: the scheduler follows the
 * direct downstream tasks that lead to them and skips the others).
 */
function branchTargets(dag: Dag, taskId: string, chosen: unknown): string[] {
  const ids = chosen == null ? [] : Array.isArray(chosen) ? chosen : [chosen];
  const notStrings = ids.filter((id) => typeof id !== "string");
  if (notStrings.length) {
    throw new TypeError(`branch "${taskId}" must return task ids as strings (or null), got ${notStrings.map((v) => JSON.stringify(v)).join(", ")}`);
  }
  const unknown = (ids as string[]).filter((id) => !dag.tasks.has(id));
  if (unknown.length) {
    throw new TypeError(`branch "${taskId}" returned task ids that are not in dag "${dag.id}": ${unknown.map((id) => JSON.stringify(id)).join(", ")} (branch task ids must be valid task ids)`);
  }
  return ids as string[];
}

/**
 * The arguments the task function receives: those of the assignment, with a mapped instance's
 * element of a `.map()` / `.zip()` source finished here, where the map functions are.
 */
async function taskArgs(dag: Dag, task: RuntimeTask, a: TaskAssignment): Promise<unknown[]> {
  const expand = task.spec.expand;
  if (!expand || a.mapIndex < 0 || !isDerived(expand.source)) return a.args;
  const args: unknown[] = [...a.args];
  args[expand.argIndex] = await finishElement(expand.source, a.args[expand.argIndex] ?? null, (id, value) => dag.mapFunction(id)(value));
  return args;
}

async function executeKind(dag: Dag, task: RuntimeTask, { ctx, pushed }: BuiltContext, a: TaskAssignment, host: TaskHost, log: TaskLog, signal: AbortSignal): Promise<TaskOutcome> {
  switch (task.kind) {
    case "task":
    case "short_circuit": {
      const value = toJson(await (task.fn as (...args: unknown[]) => unknown)(ctx, ...(await taskArgs(dag, task, a))), a.taskId);
      return { status: "success", ...(value === undefined ? {} : { value }), pushed };
    }
    case "branch": {
      const chosen = await (task.fn as (...args: unknown[]) => unknown)(ctx, ...(await taskArgs(dag, task, a)));
      const ids = branchTargets(dag, a.taskId, chosen);
      log.write("info", `Following branch ${JSON.stringify(ids)}`);
      return { status: "success", value: (chosen ?? null) as Json, pushed };
    }
    case "shell": {
      const spec = task.spec.shell!;
      const command = await renderTemplate(spec.command, a, host, log);
      const env: Record<string, string> = {
        AIRFLOW_CTX_DAG_ID: a.dagId, AIRFLOW_CTX_TASK_ID: a.taskId, AIRFLOW_CTX_DAG_RUN_ID: a.runId,
        AIRFLOW_CTX_LOGICAL_DATE: a.logicalDate, AIRFLOW_CTX_TRY_NUMBER: String(a.tryNumber),
      };
      const renderedEnv: Record<string, string> = {};
      for (const [k, v] of Object.entries(spec.env)) renderedEnv[k] = await renderTemplate(v, a, host, log);
      const result = await runShell(command, { ...spec, env: renderedEnv }, env, log, signal);
      if (signal.aborted) throw signal.reason;
      if (result.exitCode === SKIP_EXIT_CODE) return { status: "skipped", reason: `command exited with code ${SKIP_EXIT_CODE}`, pushed };
      if (result.exitCode !== 0) throw new ShellCommandError(`task "${a.taskId}": command exited with code ${result.exitCode}`);
      return { status: "success", ...(result.lastLine === null ? {} : { value: result.lastLine }), pushed };
    }
    case "sensor": {
      const spec = task.spec.sensor!;
      const startedAt = a.sensorStartedAt ?? Date.now();
      // Pokes so far in reschedule mode, estimated from the time spent as Airflow 2.10 does: with
      // backoff the waits after pokes 1..k-1 add up to interval * (2^(k-1) - 1) / 2.
      const elapsed = Date.now() - startedAt;
      const pokes = spec.exponentialBackoff && a.sensorStartedAt != null ? Math.floor(Math.log2((2 * elapsed) / Math.max(spec.pokeIntervalMs, 1) + 1)) : 0;
      const result = await runSensor(spec, task.fn as never, ctx, startedAt, pokes);
      switch (result.kind) {
        case "done":
          return { status: "success", ...(result.value === undefined ? {} : { value: result.value }), pushed };
        case "reschedule":
          return { status: "reschedule", nextPokeAt: result.nextPokeAt, sensorStartedAt: startedAt };
        case "soft_fail":
          log.write("info", `Poke raised ${result.reason}; skipping, as softFail is set`);
          return { status: "skipped", reason: `${result.reason} (softFail)`, pushed: {} };
        case "timeout":
          log.write("error", result.error.message);
          if (spec.softFail) return { status: "skipped", reason: `${result.error.message} (softFail)`, pushed: {} };
          return { status: "failed", error: toErrorData(result.error), retryable: false };
        default:
          return result satisfies never;
      }
    }
    default:
      return task.kind satisfies never;
  }
}

/**
 * Runs one try. Never throws: every error becomes a failed (or skipped) outcome.
 * @example const outcome = await runTask(assignment, host, AbortSignal.timeout(60_000));
 */
export async function runTask(a: TaskAssignment, host: TaskHost, signal: AbortSignal): Promise<TaskOutcome> {
  routeConsole();
  hideSecretsInThread();
  const log = new TaskLog(a.key, host);
  try {
    return await withTaskLog(log, async () => {
      const dag = await loadDag(a.bundle.hash, a.bundle.path ?? "", a.dagId);
      // Cancelled or timed out while the bundle loaded: the task must not start at all.
      signal.throwIfAborted();
      return execute(dag, a, host, log, signal);
    });
  } catch (err) {
    const raw = toErrorData(signal.aborted && err === signal.reason ? signal.reason : err);
    // The error leaves the runtime (history rows, the scheduler's log line): mask it like the log.
    const error = { ...raw, message: log.redact(raw.message), ...(raw.stack ? { stack: log.redact(raw.stack) } : {}) };
    switch (error.name) {
      case "SkipTask":
        log.write("info", `Task skipped: ${error.message}`);
        return { status: "skipped", reason: error.message, pushed: {} };
      case "FailTask":
        log.write("error", `Task failed without retry: ${error.message}`);
        return { status: "failed", error, retryable: false };
      default:
        log.write("error", error.stack ?? `${error.name}: ${error.message}`);
        return { status: "failed", error, retryable: true };
    }
  } finally {
    log.flush();
  }
}

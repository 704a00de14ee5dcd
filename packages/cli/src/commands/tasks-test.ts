// `updraft tasks test DAG_ID TASK_ID`: runs one task instance in this process, without its
// upstream and without recording state (Airflow's `tasks test`), printing its log as it goes.
// Children it starts with ctx.submit run inline, one try each, unrecorded too.
import { and, eq } from "drizzle-orm";
import { dag, dagVersion } from "@updraft/store";
import { SchedulerTaskHost, TaskLogWriter, bundlePath, formatLogLine, airflowIso } from "@updraft/scheduler";
import { runTask, type SubmitResult, type TaskAssignment, type TaskHost, type TaskOutcome } from "@updraft/worker";
import { describeArgSpec, rawElements, type Json } from "@updraft/sdk";
import { processorOptions, type Config } from "../config.ts";
import { openConfiguredStore } from "../runtime.ts";
import { UsageError } from "../errors.ts";
import { DagProcessor, manualDataInterval } from "@updraft/scheduler";
import { parseAndFind } from "./dag-lookup.ts";
import { parseConf, parseLogicalDate } from "./parse-flags.ts";

export async function tasksTest(config: Config, dagId: string, taskId: string, opts: { logicalDate?: string; logicalDateLabel?: string; mapIndex?: string; conf?: string }): Promise<number> {
  const logicalDate = parseLogicalDate(opts.logicalDate, opts.logicalDateLabel) ?? new Date();
  const conf = parseConf(opts.conf);
  const store = await openConfiguredStore(config);
  try {
    await parseAndFind(new DagProcessor({ store, ...processorOptions(config) }), dagId, config.dagsFolder);
    const [row] = await store.db.select({ serialized: dagVersion.serialized, bundleHash: dagVersion.bundleHash }).from(dag)
      .innerJoin(dagVersion, and(eq(dagVersion.dagId, dag.dagId), eq(dagVersion.versionHash, dag.versionHash)))
      .where(eq(dag.dagId, dagId));
    const spec = row!.serialized.tasks.find((t) => t.id === taskId);
    if (!spec) throw new UsageError(`dag "${dagId}" has no task "${taskId}" (tasks: ${row!.serialized.tasks.map((t) => t.id).join(", ")})`);
    const mapIndex = opts.mapIndex === undefined ? (spec.expand ? 0 : -1) : Number(opts.mapIndex);
    const args: Json[] = spec.args.map((a) => {
      if (a.kind === "literal") return a.value;
      const what = a.kind === "xcom" ? `the output of upstream task "${a.taskId}"` : describeArgSpec(a);
      console.error(`note: ${what} is not available in tasks test; passing null`);
      return null;
    });
    if (spec.expand) {
      // The element of a literal list (or of .map()/.zip() over literal lists, finished by the runtime).
      let elements: Json[] | undefined;
      try {
        elements = rawElements(spec.expand.source, (leaf) => (leaf.kind === "literal" ? leaf.value : undefined));
      } catch {
        elements = undefined;
      }
      args[spec.expand.argIndex] = elements?.[mapIndex] ?? null;
    }
    const interval = manualDataInterval(row!.serialized.schedule, logicalDate, row!.serialized.timezone);
    const inner = new SchedulerTaskHost(store, new TaskLogWriter());
    const assignment: TaskAssignment = {
      v: 1, key: `${dagId}/test/${taskId}/${mapIndex}/1`, dagId, runId: `manual__${airflowIso(logicalDate)}`, taskId, mapIndex, tryNumber: 1,
      bundle: { hash: row!.bundleHash!, path: bundlePath(config.home, row!.bundleHash!) }, args,
      logicalDate: logicalDate.toISOString(), dataIntervalStart: interval.start.toISOString(), dataIntervalEnd: interval.end.toISOString(),
      params: { ...row!.serialized.params, ...conf }, conf, runType: "manual", queue: spec.queue, executionTimeoutMs: spec.executionTimeoutMs, sensorStartedAt: null,
    };
    const childIndex = new Map<string, number>();
    const host: TaskHost = {
      xcomPull: (q) => inner.xcomPull(q),
      variableGet: (k) => inner.variableGet(k),
      variableSet: (k, v) => inner.variableSet(k, v),
      connectionGet: (id) => inner.connectionGet(id),
      log: (_key, lines) => lines.forEach((l) => process.stdout.write(formatLogLine(l))),
      // A child runs here and now, once, with the parent's dates and params.
      async submit(req): Promise<SubmitResult> {
        const childSpec = row!.serialized.submittable?.find((t) => t.id === req.taskId);
        if (!childSpec) return { ok: false, error: { name: "SubmitError", message: `dag "${dagId}" has no definition "${req.taskId}" that ctx.submit can start` } };
        const n = childIndex.get(req.taskId) ?? 0;
        childIndex.set(req.taskId, n + 1);
        const child: TaskAssignment = {
          ...assignment, key: `${dagId}/test/${req.taskId}/${n}/1`, taskId: req.taskId, mapIndex: n, args: req.args,
          queue: childSpec.queue, executionTimeoutMs: childSpec.executionTimeoutMs,
        };
        console.log(`submitted ${req.taskId}[${n}] (call #${req.seq} of ${req.key})`);
        const signal = childSpec.executionTimeoutMs ? AbortSignal.timeout(childSpec.executionTimeoutMs) : new AbortController().signal;
        return asSubmitResult(req.taskId, n, await runTask(child, host, signal));
      },
    };
    const outcome = await runTask(assignment, host, spec.executionTimeoutMs ? AbortSignal.timeout(spec.executionTimeoutMs) : new AbortController().signal);
    switch (outcome.status) {
      case "success":
        console.log(`task ${taskId}: success${outcome.value === undefined ? "" : `, return_value = ${JSON.stringify(outcome.value)}`}`);
        return 0;
      case "skipped":
        console.log(`task ${taskId}: skipped (${outcome.reason})`);
        return 0;
      case "reschedule":
        console.log(`task ${taskId}: sensor not done; would poke again at ${new Date(outcome.nextPokeAt).toISOString()}`);
        return 0;
      case "failed":
        console.error(`task ${taskId}: failed: ${outcome.error.name}: ${outcome.error.message}`);
        return 1;
      default:
        return outcome satisfies never;
    }
  } finally {
    await store.close();
  }
}

/** How a child's one try ended, as its parent's await sees it. */
function asSubmitResult(taskId: string, mapIndex: number, outcome: TaskOutcome): SubmitResult {
  switch (outcome.status) {
    case "success":
      return { ok: true, ...(outcome.value === undefined ? {} : { value: outcome.value }) };
    case "skipped":
      return { ok: true, skipped: true };
    case "failed":
      return { ok: false, error: { name: "ChildTaskFailed", message: `task "${taskId}" [${mapIndex}] ended failed: ${outcome.error.name}: ${outcome.error.message}` } };
    case "reschedule":
      return { ok: false, error: { name: "ChildTaskFailed", message: `task "${taskId}" [${mapIndex}] is a sensor that is not done; tasks test does not wait for its next poke` } };
    default:
      return outcome satisfies never;
  }
}

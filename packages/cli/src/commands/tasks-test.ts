// `updraft tasks test DAG_ID TASK_ID [LOGICAL_DATE]`: runs one task instance in this process,
// without its upstream and without recording state (Airflow's `tasks test`), printing its log as
// it goes. Its upstream inputs are the XComs of the latest run at that logical date, as in
// Airflow; those missing are named in one line and passed as null. Children it starts with
// ctx.submit run inline, one try each, unrecorded too.
import { currentDagVersion } from "@updraft/store";
import { SchedulerTaskHost, TaskLogWriter, bundlePath, formatLogLine, airflowIso } from "@updraft/scheduler";
import { runTask, submitResultOf, type SubmitResult, type TaskAssignment, type TaskHost } from "@updraft/worker";
import { isDerived, rawElements, type ArgSpec, type Json } from "@updraft/sdk";
import { processorOptions, type Config } from "../config.ts";
import { openConfiguredStore } from "../runtime.ts";
import { DomainError, UsageError } from "../errors.ts";
import { DagProcessor, manualDataInterval } from "@updraft/scheduler";
import { parseAndFind } from "./dag-lookup.ts";
import { parseConf, parseLogicalDate } from "./parse-flags.ts";
import { missingInputsLine, upstreamXcoms } from "./upstream-xcoms.ts";

export async function tasksTest(config: Config, dagId: string, taskId: string, opts: { logicalDate?: string; logicalDateLabel?: string; mapIndex?: string; conf?: string }): Promise<number> {
  const logicalDate = parseLogicalDate(opts.logicalDate, opts.logicalDateLabel) ?? new Date();
  const conf = parseConf(opts.conf);
  const store = await openConfiguredStore(config);
  try {
    await parseAndFind(new DagProcessor({ store, ...processorOptions(config) }), dagId, config.dagsFolder);
    const row = await currentDagVersion(store, dagId);
    const spec = row!.serialized.tasks.find((t) => t.id === taskId);
    if (!spec) throw new UsageError(`dag "${dagId}" has no task "${taskId}" (tasks: ${row!.serialized.tasks.map((t) => t.id).join(", ")})`);
    const mapIndex = opts.mapIndex === undefined ? (spec.expand ? 0 : -1) : Number(opts.mapIndex);
    if (!Number.isInteger(mapIndex) || mapIndex < -1) throw new UsageError(`--map-index: expected a whole number of at least -1, got "${opts.mapIndex}"`);
    // Upstream values as the scheduler would pass them in the run at this logical date.
    const upstream = await upstreamXcoms(store, dagId, logicalDate, row!.serialized);
    const leaf = (l: Extract<ArgSpec, { kind: "literal" } | { kind: "xcom" }>) => (l.kind === "literal" ? l.value : upstream.value(l.taskId, l.key));
    const valueOf = (a: ArgSpec): Json | undefined => {
      try {
        return isDerived(a) ? rawElements(a, leaf) : leaf(a);
      } catch (err) {
        throw new DomainError(`task "${taskId}": ${(err as Error).message}`, { cause: err });
      }
    };
    const args: Json[] = spec.args.map((a) => valueOf(a) ?? null);
    if (spec.expand) {
      // The element of the expanded list (the runtime finishes .map()/.zip() elements).
      const elements = valueOf(spec.expand.source);
      if (Array.isArray(elements) && elements.length > 0 && (mapIndex < 0 || mapIndex >= elements.length)) {
        throw new UsageError(`--map-index: task "${taskId}" expands to ${elements.length} instance(s) (0 to ${elements.length - 1}); got ${mapIndex}`);
      }
      args[spec.expand.argIndex] = Array.isArray(elements) ? (elements[mapIndex] ?? null) : null;
    }
    if (upstream.missing.length > 0) console.error(missingInputsLine(dagId, logicalDate, upstream.run, upstream.missing));
    const manual = manualDataInterval(row!.serialized.schedule, logicalDate, row!.serialized.timezone);
    const interval = {
      start: upstream.run?.dataIntervalStart ?? manual.start,
      end: upstream.run?.dataIntervalEnd ?? manual.end,
    };
    const inner = new SchedulerTaskHost(store, new TaskLogWriter());
    const assignment: TaskAssignment = {
      v: 1, key: `${dagId}/test/${taskId}/${mapIndex}/1`, dagId, runId: upstream.run?.runId ?? `manual__${airflowIso(logicalDate)}`, taskId, mapIndex, tryNumber: 1,
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
        return submitResultOf(`task "${req.taskId}" [${n}]`, await runTask(child, host, signal));
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

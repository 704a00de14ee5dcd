// Operators that take no data arguments and add their node as soon as they are called inside a
// DAG body: `shell` runs a templated command, `sensor` waits for a condition.
import { DagDefinitionError } from "./errors.ts";
import { currentBuilder } from "./builder.ts";
import { makeOutput, type Output } from "./output.ts";
import { splitIdAndOptions } from "./task.ts";
import { parseDuration, type Duration } from "./duration.ts";
import type { TaskOptions } from "./options.ts";
import type { TaskContext } from "./context.ts";
import type { Json } from "./serialized.ts";

export interface ShellOptions extends TaskOptions {
  /** A template (Jinja syntax): `echo {{ ds }} {{ params.region }}`. Run with `bash -c`. */
  command: string;
  env?: Record<string, string>;
  cwd?: string;
}

/**
 * A task that runs a shell command. Non-zero exit fails it, exit code 99 skips it, and the last
 * line of stdout becomes its `return_value` XCom.
 * @example const notify = shell("notify", { command: "echo loaded {{ ds }}" });
 */
export function shell(id: string, options: ShellOptions): Output<string> {
  const { command, env, cwd, ...taskOptions } = options ?? ({} as ShellOptions);
  const { id: taskId, options: parsed } = splitIdAndOptions({ id, ...taskOptions }, "shell()");
  const builder = currentBuilder(`shell "${taskId}"`);
  if (typeof command !== "string" || command.trim() === "") {
    throw new DagDefinitionError(`dag "${builder.dagId}": shell task "${taskId}": command must be a non-empty string`);
  }
  if (env !== undefined && (typeof env !== "object" || Object.values(env).some((v) => typeof v !== "string"))) {
    throw new DagDefinitionError(`dag "${builder.dagId}": shell task "${taskId}": env must map names to strings`);
  }
  const nodeId = builder.uniqueId(taskId, false);
  builder.addNode({
    id: nodeId, kind: "shell", options: parsed, args: [], expand: null, fn: null, sensor: null,
    shell: { command, env: env ?? {}, cwd: cwd ?? null },
  });
  return makeOutput(builder.dagId, nodeId);
}

export interface SensorOptions extends TaskOptions {
  /** Time between pokes; default 60s. */
  pokeInterval?: Duration;
  /** Give up after this long since the first poke; default 7 days (Airflow's default). */
  timeout?: Duration;
  /** `poke` holds its slot between pokes; `reschedule` frees it (state `up_for_reschedule`). */
  mode?: "poke" | "reschedule";
  /**
   * Skip instead of failing when the sensor times out, when its poke throws `FailTask`, or when
   * `executionTimeout` cuts it off (Airflow's soft_fail). Other errors from the poke still fail
   * the try, and retries apply.
   */
  softFail?: boolean;
  /** Grow the interval between pokes exponentially. */
  exponentialBackoff?: boolean;
}

/**
 * What a poke returns: `{ done, value }` (the value becomes the XCom), or any value whose truth by
 * Python's rules says whether it is done, as in Airflow (`true`, `[file]` are done; `false`,
 * `[]`, `{}`, `0`, `""`, `null` are not).
 */
export type PokeResult<T extends Json = Json> = boolean | { done: boolean; value?: T } | Json | undefined;

/**
 * A task that calls `poke` until it reports done, or fails (or skips, with `softFail`) at `timeout`.
 * A poke's result is read by Python's truth rules, as Airflow reads it: `[]` is not done.
 * @example
 * const ready = sensor("wait_for_file", { pokeInterval: "30s", timeout: "1h", mode: "reschedule" },
 *   async (ctx) => exists(`/data/${ctx.ds}.csv`));
 */
export function sensor<T extends Json = Json>(id: string, options: SensorOptions, poke: (ctx: TaskContext) => PokeResult<T> | Promise<PokeResult<T>>): Output<T> {
  const { pokeInterval, timeout, mode, softFail, exponentialBackoff, ...taskOptions } = options ?? {};
  const { id: taskId, options: parsed } = splitIdAndOptions({ id, ...taskOptions }, "sensor()");
  const builder = currentBuilder(`sensor "${taskId}"`);
  const where = `dag "${builder.dagId}": sensor "${taskId}"`;
  if (typeof poke !== "function") throw new DagDefinitionError(`${where}: the last argument must be the poke function`);
  if (mode !== undefined && mode !== "poke" && mode !== "reschedule") {
    throw new DagDefinitionError(`${where}: mode must be "poke" or "reschedule", got ${JSON.stringify(mode)}`);
  }
  parseDuration(pokeInterval ?? "60s", `${where}: pokeInterval`);
  parseDuration(timeout ?? "7d", `${where}: timeout`);
  const nodeId = builder.uniqueId(taskId, false);
  builder.addNode({
    id: nodeId, kind: "sensor", options: parsed, args: [], expand: null, fn: poke as never, shell: null,
    sensor: {
      pokeInterval: pokeInterval ?? "60s",
      timeout: timeout ?? "7d",
      mode: mode ?? "poke",
      softFail: softFail ?? false,
      exponentialBackoff: exponentialBackoff ?? false,
    },
  });
  return makeOutput(builder.dagId, nodeId);
}

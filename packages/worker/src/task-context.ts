// Builds the `ctx` a task function receives from an assignment and the host it may call.
import type { Connection, Json, TaskContext } from "@updraft/sdk";
import type { TaskAssignment, TaskHost } from "./protocol.ts";
import { isSensitiveKey, type TaskLog } from "./task-log.ts";

export interface BuiltContext {
  ctx: TaskContext;
  /** XComs pushed during the try; written by the scheduler only if the try succeeds. */
  pushed: Record<string, Json>;
}

export function buildContext(a: TaskAssignment, host: TaskHost, log: TaskLog, signal: AbortSignal): BuiltContext {
  const pushed: Record<string, Json> = {};
  const logicalDate = new Date(a.logicalDate);
  const ctx: TaskContext = {
    dagId: a.dagId,
    taskId: a.taskId,
    runId: a.runId,
    mapIndex: a.mapIndex,
    tryNumber: a.tryNumber,
    logicalDate,
    dataIntervalStart: new Date(a.dataIntervalStart),
    dataIntervalEnd: new Date(a.dataIntervalEnd),
    ds: a.logicalDate.slice(0, 10),
    params: a.params,
    conf: a.conf,
    log: log.logger,
    signal,
    xcom: {
      push(key, value) {
        if (key === "return_value") throw new Error(`ctx.xcom.push: "return_value" is set by the task's return value`);
        pushed[key] = JSON.parse(JSON.stringify(value)) as Json;
      },
      async pull<T>(taskId: string, key = "return_value") {
        return (await host.xcomPull({ dagId: a.dagId, runId: a.runId, taskId, key, mapIndex: null })) as T | undefined;
      },
    },
    variables: {
      async get(key, defaultValue) {
        const value = await host.variableGet(key);
        if (value !== undefined && isSensitiveKey(key)) log.mask(value);
        return value ?? defaultValue;
      },
      set: (key, value) => host.variableSet(key, value),
    },
    connections: {
      async get(connId): Promise<Connection> {
        const conn = await host.connectionGet(connId);
        if (!conn) throw new Error(`connection "${connId}" is not defined`);
        log.mask(conn.password);
        return conn;
      },
    },
  };
  return { ctx, pushed };
}

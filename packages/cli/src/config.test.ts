import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.ts";

describe("loadConfig: remote workers", () => {
  it.each([
    ["threads serve the default queue unless told otherwise", {}, {}, { localQueues: ["default"], workerTimeoutMs: 30_000, workerHeartbeatMs: 5_000 }],
    ["an empty UPDRAFT_LOCAL_QUEUES: the threads serve no queue", {}, { UPDRAFT_LOCAL_QUEUES: "" }, { localQueues: [] }],
    ["a comma list, spaces trimmed", {}, { UPDRAFT_LOCAL_QUEUES: "default, etl ,," }, { localQueues: ["default", "etl"] }],
    ["the flag wins over the environment", { "local-queues": "gpu" }, { UPDRAFT_LOCAL_QUEUES: "default" }, { localQueues: ["gpu"] }],
    ["a time-out in ms; the heartbeat follows it (a fifth)", {}, { UPDRAFT_WORKER_TIMEOUT: "6000ms" }, { workerTimeoutMs: 6_000, workerHeartbeatMs: 1_200 }],
    ["durations, and an explicit heartbeat", { "worker-timeout": "2m" }, { UPDRAFT_WORKER_HEARTBEAT: "10s" }, { workerTimeoutMs: 120_000, workerHeartbeatMs: 10_000 }],
  ] as const)("%s", (_name, flags, env, expected) => {
    expect(loadConfig(flags, env)).toMatchObject(expected);
  });

  it.each([
    [{ UPDRAFT_WORKER_TIMEOUT: "soon" }, /UPDRAFT_WORKER_TIMEOUT: expected a duration such as "500ms", "30s", "5m" or "1h", got "soon"/],
    [{ UPDRAFT_WORKER_TIMEOUT: "6000" }, /--worker-timeout \/ UPDRAFT_WORKER_TIMEOUT: "6000" has no unit; write e.g. "6000s" or "6000ms"/],
    [{ UPDRAFT_WORKER_HEARTBEAT: "5" }, /UPDRAFT_WORKER_HEARTBEAT: "5" has no unit/],
    [{ UPDRAFT_PARSE_TIMEOUT: "30" }, /UPDRAFT_PARSE_TIMEOUT: "30" has no unit/],
    [{ UPDRAFT_WORKER_TIMEOUT: "10s", UPDRAFT_WORKER_HEARTBEAT: "10s" }, /must be at least 1ms and shorter than --worker-timeout/],
  ])("refuses %j", (env, message) => {
    expect(() => loadConfig({}, env)).toThrow(message);
  });
});

describe("loadConfig: the thread pool", () => {
  it.each([
    ["defaults: the pool sizes itself; a thread past 1 GiB of heap is recycled", {}, { threads: { min: undefined, max: undefined, memoryLimitMb: 1024 } }],
    ["bounds and a memory ceiling from the environment", { UPDRAFT_MIN_THREADS: "2", UPDRAFT_MAX_THREADS: "8", UPDRAFT_THREAD_MEMORY_LIMIT_MB: "256" }, { threads: { min: 2, max: 8, memoryLimitMb: 256 } }],
  ] as const)("%s", (_name, env, expected) => {
    expect(loadConfig({}, env)).toMatchObject(expected);
  });

  it.each([
    [{ UPDRAFT_MAX_THREADS: "0" }, /UPDRAFT_MAX_THREADS: expected a whole number of at least 1, got "0"/],
    [{ UPDRAFT_THREAD_MEMORY_LIMIT_MB: "lots" }, /UPDRAFT_THREAD_MEMORY_LIMIT_MB: expected a whole number/],
    [{ UPDRAFT_MIN_THREADS: "4", UPDRAFT_MAX_THREADS: "2" }, /UPDRAFT_MIN_THREADS \(4\) is more than UPDRAFT_MAX_THREADS \(2\)/],
  ])("refuses %j", (env, message) => {
    expect(() => loadConfig({}, env)).toThrow(message);
  });
});

describe("loadConfig: the DAG parser's limits", () => {
  it.each([
    ["defaults: 30s, 512 MB, two files at once", {}, { parseTimeoutMs: 30_000, parseMemoryMb: 512, parseParallelism: 2 }],
    ["from the environment", { UPDRAFT_PARSE_TIMEOUT: "10s", UPDRAFT_PARSE_MEMORY_MB: "256", UPDRAFT_PARSE_PARALLELISM: "4" }, { parseTimeoutMs: 10_000, parseMemoryMb: 256, parseParallelism: 4 }],
  ] as const)("%s", (_name, env, expected) => {
    expect(loadConfig({}, env)).toMatchObject(expected);
  });

  it.each([
    [{ UPDRAFT_PARSE_MEMORY_MB: "lots" }, /UPDRAFT_PARSE_MEMORY_MB: expected a whole number of at least 1, got "lots"/],
    [{ UPDRAFT_PARSE_PARALLELISM: "0" }, /UPDRAFT_PARSE_PARALLELISM: expected a whole number of at least 1, got "0"/],
  ])("refuses %j", (env, message) => {
    expect(() => loadConfig({}, env)).toThrow(message);
  });
});

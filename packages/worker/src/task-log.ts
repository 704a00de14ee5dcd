// A try's log: lines from ctx.log and from console.* inside the task, with secrets masked, sent
// to the host in small batches so a running task's log is live without a message per line: every
// 50 ms, or at once when a batch reaches LOG_BATCH_BYTES.
import { AsyncLocalStorage } from "node:async_hooks";
import { format } from "node:util";
import type { TaskLogger } from "@updraft/sdk";
import type { LogLine, TaskHost } from "./protocol.ts";

const FLUSH_MS = 50;
/**
 * Pending lines past this many bytes go to the host at once instead of waiting for the timer, so
 * a task that prints in a tight loop (the timer never fires) sends many bounded batches, not one
 * message of millions of lines.
 */
export const LOG_BATCH_BYTES = 64 * 1024;
/** What a line costs in a batch besides its message (time, level, structure). */
const LINE_OVERHEAD_BYTES = 32;

/** Variable keys whose values are masked, as Airflow's `sensitive_var_conn_names`. */
const SENSITIVE_KEY = /password|secret|passwd|authorization|api_key|apikey|access_token|token|private_key/i;

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

/** Updraft's own secrets, which tasks have no business reading from the environment. */
export const UPDRAFT_SECRET_ENV = ["UPDRAFT_SECRET_KEY", "UPDRAFT_DB_AUTH_TOKEN", "UPDRAFT_TOKEN", "UPDRAFT_PASSWORD"] as const;

/** The environment a task's child processes get: this process's, without Updraft's secrets. */
export function taskEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of UPDRAFT_SECRET_ENV) delete env[k];
  return env;
}

export class TaskLog {
  readonly logger: TaskLogger;
  private readonly key: string;
  private readonly host: TaskHost;
  private readonly secrets = new Set<string>();
  private pending: LogLine[] = [];
  private pendingBytes = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(key: string, host: TaskHost) {
    this.key = key;
    this.host = host;
    const at = (level: LogLine["level"]) => (...args: unknown[]) => this.write(level, format(...args));
    this.logger = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
  }

  /** Values that must never appear in the log (passwords, sensitive variables). */
  mask(secret: string | null | undefined): void {
    if (secret && secret.length >= 3) this.secrets.add(secret);
  }

  /** The text with every known secret replaced by `***`. */
  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join("***");
    return out;
  }

  write(level: LogLine["level"], message: string): void {
    const line = { at: Date.now(), level, message: this.redact(message) };
    this.pending.push(line);
    this.pendingBytes += line.message.length + LINE_OVERHEAD_BYTES;
    if (this.pendingBytes >= LOG_BATCH_BYTES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    const lines = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.host.log(this.key, lines);
  }
}

const currentLog = new AsyncLocalStorage<TaskLog>();
let consoleRouted = false;

/**
 * Routes console.* calls made while a task runs into that task's log (Airflow captures a task's
 * stdout the same way); outside a task they behave as before.
 */
export function routeConsole(): void {
  if (consoleRouted) return;
  consoleRouted = true;
  const levels = { log: "info", info: "info", debug: "debug", warn: "warn", error: "error" } as const;
  for (const [method, level] of Object.entries(levels)) {
    const original = console[method as keyof typeof levels].bind(console);
    console[method as keyof typeof levels] = (...args: unknown[]) => {
      const log = currentLog.getStore();
      if (log) log.write(level, format(...args));
      else original(...args);
    };
  }
}

export function withTaskLog<T>(log: TaskLog, fn: () => Promise<T>): Promise<T> {
  return currentLog.run(log, fn);
}

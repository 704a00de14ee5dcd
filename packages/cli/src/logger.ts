// The log of Updraft's long-running processes (standalone, scheduler, api, worker), through pino:
// one JSON object per line by default when stdout is not a terminal (what log shippers read), a
// readable line on a terminal. UPDRAFT_LOG_FORMAT=json|pretty and UPDRAFT_LOG_LEVEL choose.
// Task logs are not this: they keep their own files and format.
import { pino, stdTimeFunctions, type Logger } from "pino";
import pretty from "pino-pretty";
import { UsageError } from "./errors.ts";

export type { Logger } from "pino";

export const LOG_FORMATS = ["json", "pretty"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerSettings {
  level: LogLevel;
  format: LogFormat;
}

/**
 * The log settings from the environment: UPDRAFT_LOG_LEVEL (info) and UPDRAFT_LOG_FORMAT (json
 * when stdout is not a terminal, pretty when it is). A value outside the lists is refused.
 * @example logSettings({ UPDRAFT_LOG_FORMAT: "json" }, false) // { level: "info", format: "json" }
 */
export function logSettings(env: Record<string, string | undefined> = process.env, terminal = Boolean(process.stdout.isTTY)): LoggerSettings {
  const level = (env.UPDRAFT_LOG_LEVEL ?? "info").toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new UsageError(`UPDRAFT_LOG_LEVEL: expected one of ${LOG_LEVELS.join(", ")}, got "${env.UPDRAFT_LOG_LEVEL}"`);
  }
  const format = (env.UPDRAFT_LOG_FORMAT ?? (terminal ? "pretty" : "json")).toLowerCase();
  if (!(LOG_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`UPDRAFT_LOG_FORMAT: expected json or pretty, got "${env.UPDRAFT_LOG_FORMAT}"`);
  }
  return { level: level as LogLevel, format: format as LogFormat };
}

/**
 * The process's logger. `name` says which process writes (`standalone`, `scheduler`, `api`,
 * `worker`); records carry it, with the time in ISO 8601 (UTC).
 * @example const log = createLogger("scheduler"); log.info({ dag_id }, "run queued");
 */
export function createLogger(name: string, settings: LoggerSettings = logSettings(), destination: NodeJS.WritableStream = process.stdout): Logger {
  const options = { name: `updraft-${name}`, level: settings.level, timestamp: stdTimeFunctions.isoTime };
  // JSON records say their level by name ("level":"info"), as log shippers expect.
  if (settings.format === "json") return pino({ ...options, formatters: { level: (label: string) => ({ level: label }) } }, destination);
  // Written synchronously, like the plain lines before it, so that a line is out before a crash.
  const stream = pretty({
    sync: true,
    destination,
    colorize: Boolean((destination as { isTTY?: boolean }).isTTY),
    translateTime: "UTC:yyyy-mm-dd'T'HH:MM:ss.l'Z'",
    // An access record says method, path and status in its message already.
    ignore: "pid,hostname,name,method,path,status",
    singleLine: true,
  });
  return pino(options, stream);
}

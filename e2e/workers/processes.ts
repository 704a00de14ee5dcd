// What the remote-worker suites share: `updraft worker` as a child process of its own (a fresh
// home, no DAG folder, started from a directory without DAG files), a TCP proxy on 127.0.0.1
// whose link can be cut and restored, and read-only queries of the server's database.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, connect, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, type Store } from "@updraft/store";
import { UPDRAFT } from "../api/server.ts";

export interface WorkerProcess {
  name: string;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves with the exit code (or null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
  /** SIGKILL if still running, and remove its home. */
  dispose(): Promise<void>;
}

export interface WorkerOptions {
  server: string;
  token: string;
  name: string;
  concurrency?: number;
  queues?: string[];
}

/** Starts `updraft worker` in an empty directory with a home of its own. */
export async function startWorker(opts: WorkerOptions): Promise<WorkerProcess> {
  const root = await mkdtemp(join(tmpdir(), `updraft-worker-${opts.name}-`));
  const env: NodeJS.ProcessEnv = { ...process.env, UPDRAFT_HOME: join(root, "home") };
  for (const k of ["UPDRAFT_SERVER", "UPDRAFT_TOKEN", "UPDRAFT_DAGS_FOLDER", "UPDRAFT_DB_URL"]) delete env[k];
  const args = ["worker", "--server", opts.server, "--token", opts.token, "--name", opts.name];
  if (opts.concurrency) args.push("--concurrency", String(opts.concurrency));
  if (opts.queues) args.push("--queues", opts.queues.join(","));
  const child: ChildProcess = spawn(UPDRAFT, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  child.stdout!.setEncoding("utf8").on("data", (s: string) => (output += s));
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (output += s));
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      done = true;
      resolve({ code, signal });
    }),
  );
  // The launcher may re-exec under another Node: signal the whole group for a kill.
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      child.kill(signal);
    }
  };
  const onExit = () => {
    if (!done) killGroup("SIGKILL");
  };
  process.once("exit", onExit);
  return {
    name: opts.name,
    output: () => output,
    exited,
    kill: (signal) => (signal === "SIGKILL" ? killGroup(signal) : child.kill(signal)),
    async dispose() {
      if (!done) killGroup("SIGKILL");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      process.removeListener("exit", onExit);
      await rm(root, { recursive: true, force: true });
    },
  };
}

/**
 * A TCP proxy on 127.0.0.1 to `target`: `cut()` drops every link and refuses new ones (the port
 * stays bound, so the cut looks like a network failure, not a move), `restore()` lets them through.
 */
export class TcpProxy {
  readonly #server: Server;
  readonly #links = new Set<Socket>();
  #cut = false;
  port = 0;

  private constructor(targetPort: number) {
    this.#server = createServer((client) => {
      if (this.#cut) {
        client.destroy();
        return;
      }
      const upstream = connect(targetPort, "127.0.0.1");
      for (const s of [client, upstream]) {
        this.#links.add(s);
        s.once("close", () => this.#links.delete(s));
        s.on("error", () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.once("close", () => upstream.destroy());
      upstream.once("close", () => client.destroy());
    });
  }

  static async start(targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetPort);
    await new Promise<void>((resolve) => proxy.#server.listen(0, "127.0.0.1", resolve));
    proxy.port = (proxy.#server.address() as { port: number }).port;
    return proxy;
  }

  cut(): void {
    this.#cut = true;
    for (const s of this.#links) s.destroy();
  }

  restore(): void {
    this.#cut = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** The server's database, opened for reading while it runs. */
export async function openServerDb(home: string): Promise<Store> {
  return openStore({ url: `file:${join(home, "updraft.db")}` });
}

export interface TaskRow {
  task_id: string;
  map_index: number;
  state: string | null;
  try_number: number;
  hostname: string | null;
}

export async function taskRows(db: Store, dagId: string, runId: string): Promise<TaskRow[]> {
  const r = await db.client.execute({
    sql: "SELECT task_id, map_index, state, try_number, hostname FROM task_instance WHERE dag_id = ? AND run_id = ? ORDER BY task_id, map_index",
    args: [dagId, runId],
  });
  return r.rows as unknown as TaskRow[];
}

export interface TryRow {
  task_id: string;
  map_index: number;
  try_number: number;
  state: string | null;
  hostname: string | null;
}

/** The tries of a run that did not succeed (task_instance_history keeps every try). */
export async function unsuccessfulTries(db: Store, dagId: string, runId: string): Promise<TryRow[]> {
  const r = await db.client.execute({
    sql: "SELECT task_id, map_index, try_number, state, hostname FROM task_instance_history WHERE dag_id = ? AND run_id = ? AND (state IS NULL OR state != 'success')",
    args: [dagId, runId],
  });
  return r.rows as unknown as TryRow[];
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

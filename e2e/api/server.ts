// A real Updraft server for the API suites: `updraft standalone` as a child process on a free
// port of 127.0.0.1, with a fresh UPDRAFT_HOME (so a fresh embedded database) and a DAG folder of
// small DAGs written here, plus a bearer token of every scope (`updraft tokens create`).
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
export const UPDRAFT = join(REPO, "node_modules/.bin/updraft");

export const SCOPES = ["read", "trigger", "edit", "admin", "worker"] as const;
export type Scope = (typeof SCOPES)[number];

/** The DAGs of the suite's folder. */
export const DAGS = {
  /** Manual; `double` is mapped over [1, 2, 3] (map_index 0..2), `collect` sums the results. */
  mapped: "conformance_mapped",
  /** A daily cron schedule without catchup (so one scheduled run at start); one shell task. */
  shell: "conformance_shell",
  /** An hourly interval schedule; paused once loaded. */
  paused: "conformance_paused",
  /** Manual; `boom` fails (no retries), `after` is upstream_failed. */
  fails: "conformance_fails",
} as const;

/** A file of the folder that does not load (an import error). */
export const BROKEN_FILE = "conformance_broken.ts";

const DAG_FILES: Record<string, string> = {
  "conformance_mapped.ts": `import { dag, task } from "@updraft/sdk";
export default dag({ id: "${DAGS.mapped}", schedule: null, startDate: "2026-01-01", tags: ["conformance", "mapped"], params: { region: "eu" }, description: "mapped over a literal list" }, () => {
  const double = task("double", async (ctx, n: number) => {
    ctx.log.info("doubling " + n);
    ctx.xcom.push("note", { n, region: String(ctx.params.region) });
    return n * 2;
  });
  const collect = task("collect", async (_ctx, values: number[]) => values.reduce((a, b) => a + b, 0));
  collect(double.expand([1, 2, 3]));
});
`,
  "conformance_shell.ts": `import { dag, shell } from "@updraft/sdk";
export default dag({ id: "${DAGS.shell}", schedule: "0 6 * * *", startDate: "2026-01-01", catchup: false, tags: ["conformance"] }, () => {
  shell("hello", { command: "echo hello {{ run_id }}" });
});
`,
  "conformance_paused.ts": `import { dag, task } from "@updraft/sdk";
export default dag({ id: "${DAGS.paused}", schedule: { every: "1h" }, startDate: "2026-01-01", catchup: false }, () => {
  task("noop", async () => null)();
});
`,
  "conformance_fails.ts": `import { dag, task, chain } from "@updraft/sdk";
export default dag({ id: "${DAGS.fails}", schedule: null, startDate: "2026-01-01", defaultArgs: { retries: 0 } }, () => {
  const boom = task("boom", async (ctx) => {
    ctx.log.error("about to fail");
    throw new Error("boom on purpose");
  });
  const after = task("after", async () => "never runs");
  chain(boom(), after());
});
`,
  [BROKEN_FILE]: `import { dag } from "@updraft/sdk";
export default dag({ id: "conformance_broken" }, () => {
  this is not TypeScript
`,
};

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ApiResponse {
  method: string;
  path: string;
  status: number;
  contentType: string;
  text: string;
  /** The parsed JSON body; undefined when the body is empty or not JSON. */
  json: unknown;
}

export interface RequestOptions {
  /** A scope's token, a literal header value (`{ header: "Basic …" }`), or null for none. Default: admin. */
  auth?: Scope | { header: string } | null;
  /** A JSON value to send (with content-type application/json). */
  body?: unknown;
  /** A raw body sent as it is, with content-type application/json unless `headers` says otherwise. */
  rawBody?: string;
  headers?: Record<string, string>;
  /** For streams: read at most this many ms of the body, then abort. */
  bodyTimeoutMs?: number;
}

export interface TestServer {
  baseUrl: string;
  port: number;
  home: string;
  dagsFolder: string;
  /** A token of every scope, made with `updraft tokens create`. */
  tokens: Record<Scope, string>;
  /** Every response the suite received, for the "never a 5xx" check. */
  responses: ApiResponse[];
  /** The server's stdout and stderr so far. */
  log(): string;
  /** Runs `updraft <args>` with the server's home and DAG folder. */
  cli(args: string[], timeoutMs?: number): Promise<CliResult>;
  request(method: string, path: string, opts?: RequestOptions): Promise<ApiResponse>;
  /** SIGTERM, then SIGKILL after a grace period; says how it ended. Idempotent. */
  stop(): Promise<StopResult>;
}

export interface StopResult {
  /** Whether the server exited on SIGTERM within the grace period. */
  graceful: boolean;
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
}

/** A port that was free a moment ago: listen on 0, read it, close. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(UPDRAFT, args, { cwd: REPO, env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, killSignal: "SIGKILL" }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") {
        reject(new Error(`updraft ${args.join(" ")} did not exit normally (${error.message})\nstderr:\n${stderr}`));
        return;
      }
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

/** How long a SIGTERM'd server may take to stop before it is killed. */
export const GRACE_MS = 10_000;

const TOKEN_RE = /updr_[A-Za-z0-9_-]{43}/;

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

export interface StartOptions {
  /** How long to wait for /api/v1/health and the DAGs to load; default 90 s. */
  startTimeoutMs?: number;
  /** Extra environment for the server. */
  env?: Record<string, string>;
  /**
   * The DAG folder's files, by name, instead of the conformance suite's; the server is ready once
   * every id of `dagIds` is listed.
   */
  dags?: { files: Record<string, string>; dagIds: string[] };
}

/** Starts `updraft standalone` and waits until it answers and has loaded the suite's DAGs. */
export async function startServer(opts: StartOptions = {}): Promise<TestServer> {
  const root = await mkdtemp(join(tmpdir(), "updraft-api-e2e-"));
  const home = join(root, "home");
  const dagsFolder = join(root, "dags");
  await mkdir(home, { recursive: true });
  await mkdir(dagsFolder, { recursive: true });
  for (const [file, text] of Object.entries(opts.dags?.files ?? DAG_FILES)) await writeFile(join(dagsFolder, file), text);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    UPDRAFT_HOME: home,
    UPDRAFT_DAGS_FOLDER: dagsFolder,
    UPDRAFT_PORT: String(port),
    UPDRAFT_HOST: "127.0.0.1",
    UPDRAFT_PARSE_INTERVAL_MS: "1000",
    ...opts.env,
  };
  delete env.UPDRAFT_SERVER;
  delete env.UPDRAFT_TOKEN;
  delete env.UPDRAFT_DB_URL;

  let output = "";
  // Its own process group, so that stopping it also stops what it started (a re-exec under
  // another Node, shell tasks).
  const child: ChildProcess = spawn(UPDRAFT, ["standalone"], { cwd: REPO, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  child.stdout!.setEncoding("utf8").on("data", (s: string) => (output += s));
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (output += s));
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exitPromise = new Promise<void>((resolve) => child.once("exit", (code, signal) => {
    exited = { code, signal };
    resolve();
  }));

  const signalGroup = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      try {
        child.kill(sig);
      } catch {
        // already gone
      }
    }
  };
  // If the test process ends without stopping it (a crash, a killed worker), take the server along.
  const killOnExit = () => {
    if (!exited) signalGroup("SIGKILL");
  };
  process.once("exit", killOnExit);
  let stopping: Promise<StopResult> | null = null;
  const stop = (): Promise<StopResult> => (stopping ??= doStop());
  const doStop = async (): Promise<StopResult> => {
    const started = Date.now();
    let graceful = true;
    if (!exited) {
      // SIGTERM to the process alone: the launcher forwards it to a re-exec'd Node, and a second
      // SIGTERM would make the server abort its running tasks instead of letting them finish.
      child.kill("SIGTERM");
      graceful = await Promise.race([exitPromise.then(() => true), sleep(GRACE_MS).then(() => false)]);
      if (!graceful) {
        signalGroup("SIGKILL");
        await Promise.race([exitPromise, sleep(5_000)]);
      }
    }
    signalGroup("SIGKILL"); // anything the group left behind
    process.removeListener("exit", killOnExit);
    await rm(root, { recursive: true, force: true }).catch(() => undefined);
    const end = exited as { code: number | null; signal: NodeJS.Signals | null } | null;
    return { graceful, code: end?.code ?? null, signal: end?.signal ?? null, ms: Date.now() - started };
  };

  const responses: ApiResponse[] = [];
  const tokens = {} as Record<Scope, string>;
  const request = async (method: string, path: string, ro: RequestOptions = {}): Promise<ApiResponse> => {
    const headers: Record<string, string> = {};
    const auth = ro.auth === undefined ? "admin" : ro.auth;
    if (typeof auth === "string") headers.authorization = `Bearer ${tokens[auth]}`;
    else if (auth) headers.authorization = auth.header;
    let body: string | undefined;
    if (ro.rawBody !== undefined) body = ro.rawBody;
    else if (ro.body !== undefined) body = JSON.stringify(ro.body);
    if (body !== undefined) headers["content-type"] = "application/json";
    Object.assign(headers, ro.headers ?? {});
    const ac = new AbortController();
    const res = await fetch(baseUrl + path, { method, headers, body: body ?? null, signal: ac.signal, redirect: "manual" });
    const contentType = res.headers.get("content-type") ?? "";
    let text = "";
    if (ro.bodyTimeoutMs !== undefined && res.body) {
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      const deadline = Date.now() + ro.bodyTimeoutMs;
      for (;;) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        const chunk = await Promise.race([reader.read(), sleep(left).then(() => null)]);
        if (!chunk || chunk.done) break;
        text += decoder.decode(chunk.value, { stream: true });
      }
      ac.abort();
      await reader.cancel().catch(() => undefined);
    } else {
      text = await res.text();
    }
    let json: unknown;
    if (text !== "" && /json/i.test(contentType)) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    const out: ApiResponse = { method, path, status: res.status, contentType, text, json };
    responses.push(out);
    return out;
  };

  try {
    const deadline = Date.now() + (opts.startTimeoutMs ?? 90_000);
    for (;;) {
      if (exited) throw new Error(`updraft standalone exited early (${JSON.stringify(exited)})`);
      const ok = await fetch(`${baseUrl}/api/v1/health`).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error("updraft standalone did not answer /api/v1/health in time");
      await sleep(200);
    }

    // Tokens of every scope, as a user makes them: `updraft tokens create --scope X`.
    await Promise.all(SCOPES.map(async (scope) => {
      // A generous time-out: each CLI process migrates and opens the store, slow on a loaded machine.
      const r = await runCli(["tokens", "create", "--scope", scope, "--name", `e2e-${scope}`, "--home", home], env, 240_000);
      const token = r.code === 0 ? TOKEN_RE.exec(r.stdout)?.[0] : undefined;
      if (!token) throw new Error(`updraft tokens create --scope ${scope}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
      tokens[scope] = token;
    }));

    // The DAGs are parsed at start; wait until the API lists every one, then pause the paused one.
    const wanted: string[] = opts.dags?.dagIds ?? Object.values(DAGS);
    for (;;) {
      const r = await request("GET", "/api/v1/dags?only_active=false&limit=100");
      const ids = r.status === 200 ? ((r.json as { dags?: Array<{ dag_id: string }> }).dags ?? []).map((d) => d.dag_id) : [];
      if (wanted.every((id) => ids.includes(id))) break;
      if (exited) throw new Error(`updraft standalone exited (${JSON.stringify(exited)})`);
      if (Date.now() > deadline) throw new Error(`the DAGs did not load in time (listed: ${ids.join(", ")}; last answer ${r.status} ${r.text.slice(0, 300)})`);
      await sleep(300);
    }
    if (!opts.dags) {
      const paused = await runCli(["dags", "pause", DAGS.paused, "--home", home], env, 240_000);
      if (paused.code !== 0) throw new Error(`updraft dags pause ${DAGS.paused}: exit ${paused.code}\n${paused.stderr}`);
    }
    // Responses made while starting are not part of what the suites assert on.
    responses.length = 0;

    return {
      baseUrl, port, home, dagsFolder, tokens, responses,
      log: () => output,
      cli: (args, timeoutMs) => runCli([...args, "--home", home], env, timeoutMs),
      request,
      stop,
    };
  } catch (err) {
    await Promise.race([exitPromise, sleep(1_000)]); // let a crashing server say why
    const status = exited ? `the server exited (${JSON.stringify(exited)})` : "the server is still running";
    await stop();
    throw new Error(`${(err as Error).message}; ${status}\n--- server output ---\n${output.slice(-4000)}`, { cause: err });
  }
}

// Two schedulers on one home: the second is refused, says why on one line and exits non-zero
// (instead of hanging on its thread pool). And the `updraft` launcher, when it re-runs itself
// under another Node, leaves no orphan when it is SIGKILLed: the child stops too, and a new
// scheduler can take the home over.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { job, openStore } from "@updraft/store";
import { UPDRAFT, waitFor } from "./processes.ts";

const DAG = `import { dag, task } from "@updraft/sdk";
export default dag({ id: "idle" }, () => {
  task("noop", () => 1)();
});
`;

interface Started {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exit: Promise<number | null>;
}

function start(args: string[], env: NodeJS.ProcessEnv, node: string[] = []): Started {
  const child = node.length ? spawn(node[0]!, [...node.slice(1), UPDRAFT, ...args], { env, stdio: ["ignore", "pipe", "pipe"] }) : spawn(UPDRAFT, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exit };
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", () => resolve()));
  const port = (srv.address() as { port: number }).port;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** Whether a process has ended (gone, or a zombie no one has reaped yet). */
function ended(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return true;
  try {
    return readFileSync(stat, "utf8").split(") ")[1]?.startsWith("Z") ?? true;
  } catch {
    return true;
  }
}

describe("one scheduler per home", () => {
  const children: ChildProcess[] = [];
  let dir = "";
  afterEach(async () => {
    for (const c of children) c.kill("SIGKILL");
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function home(): Promise<NodeJS.ProcessEnv> {
    dir = await mkdtemp(join(tmpdir(), "updraft-second-"));
    await mkdir(join(dir, "dags"));
    await writeFile(join(dir, "dags", "idle.ts"), DAG);
    return { ...process.env, UPDRAFT_HOME: join(dir, "home"), UPDRAFT_DAGS_FOLDER: join(dir, "dags"), UPDRAFT_PORT: String(await freePort()) };
  }

  /** The pid in the running scheduler's job row, once there is one. */
  async function schedulerPid(): Promise<number> {
    const store = await openStore({ url: `file:${join(dir, "home", "updraft.db")}` });
    try {
      return await waitFor("a running scheduler's job row", async () => {
        const rows = await store.db.select().from(job).where(and(eq(job.jobType, "scheduler"), eq(job.state, "running"))).catch(() => []);
        return rows[0]?.pid ?? undefined;
      }, 60_000);
    } finally {
      await store.close();
    }
  }

  it("refuses a second scheduler or standalone: it prints why on one line and exits with code 2, and the first runs on", { timeout: 120_000 }, async () => {
    const env = await home();
    const first = start(["scheduler"], env);
    children.push(first.child);
    await waitFor("the first scheduler to start", async () => (first.out().includes("Updraft") ? true : undefined), 60_000);
    const pid = await schedulerPid();

    for (const args of [["scheduler"], ["standalone"]]) {
      const second = start(args, { ...env, UPDRAFT_PORT: String(await freePort()) });
      children.push(second.child);
      expect(await second.exit, `${args[0]}: ${second.err()}`).toBe(2);
      const lines = second.err().trim().split("\n");
      expect(lines.at(-1)).toMatch(new RegExp(`^updraft: another scheduler is running on this database \\(pid ${pid} on .+\\); stop it first$`));
    }

    expect(first.child.exitCode).toBeNull();
    first.child.kill("SIGTERM");
    expect(await first.exit).toBe(0);
  });

  it("stops the launcher's child when the launcher is SIGKILLed, so a new scheduler can take the home over", { timeout: 120_000 }, async () => {
    const env = await home();
    // A Node that cannot strip types makes the launcher re-run itself under node_modules' Node.
    const launcher = start(["scheduler"], env, [process.execPath, "--no-experimental-strip-types"]);
    children.push(launcher.child);
    const pid = await schedulerPid();
    expect(pid).not.toBe(launcher.child.pid);
    expect(ended(pid)).toBe(false);

    launcher.child.kill("SIGKILL");
    await launcher.exit;
    await waitFor("the launcher's child to stop", async () => (ended(pid) ? true : undefined));

    const next = start(["scheduler"], env);
    children.push(next.child);
    await waitFor("a new scheduler on the same home", async () => (next.out().includes("Updraft") ? true : next.child.exitCode !== null ? false : undefined), 60_000);
    expect(next.child.exitCode, next.err()).toBeNull();
    next.child.kill("SIGTERM");
    expect(await next.exit).toBe(0);
  });
});

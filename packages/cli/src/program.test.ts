// The `updraft` command as users run it: the real CLI in child processes (launcher and all) over
// a fresh home and a DAGs folder of its own. Help, one-line refusals of unknown flags and formats
// (exit 2), Airflow's short flags, the positional logical date, every output format, domain
// errors in one line (exit 1) with the stack only under --verbose, and `tasks test` fed by the
// XComs of the run at its logical date. Completion scripts are generated from the program here
// and the bash one is run in a real bash.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { and, eq } from "drizzle-orm";
import { dagRun, openStore } from "@updraft/store";
import { buildProgram } from "./program.ts";
import { completionScript, commandTree } from "./completion.ts";

const BIN = resolve(fileURLToPath(import.meta.url), "../../../../node_modules/.bin/updraft");
/** Each CLI run may wait on a loaded machine; nothing here is timed. */
const SLOW = 240_000;

const FLOW = `import { dag, task } from "@updraft/sdk";
export default dag({ id: "cli_flow", schedule: "@daily", startDate: "2026-01-01", catchup: false }, () => {
  const hello = task("hello", async (ctx) => String(ctx.params.who ?? "hello"))();
  task("world", async (_ctx, h: string | null) => \`\${h} world\`)(hello);
});
`;

let dir: string;
let home: string;
let dags: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `updraft <args>` with this test's home and DAGs folder (and `env` over them); never rejects on a non-zero exit. */
function updraft(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done, fail) => {
    execFile(BIN, args, {
      timeout: SLOW - 10_000, maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, UPDRAFT_HOME: home, UPDRAFT_DAGS_FOLDER: dags, UPDRAFT_SERVER: "", UPDRAFT_TOKEN: "", CI: "true", ...env },
    }, (err, stdout, stderr) => {
      if (err && typeof err.code !== "number") fail(new Error(`updraft ${args.join(" ")}: ${err.message}\n${stderr}`));
      else done({ code: err ? Number(err.code) : 0, stdout, stderr });
    });
  });
}

/** The stderr lines that are not a task's progress (`<ISO time> task state`, printed when piped). */
const messages = (stderr: string) => stderr.split("\n").filter((l) => l !== "" && !/^\d{4}-\d\d-\d\dT\S+ \S+ \w+/.test(l));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "updraft-cli-program-"));
  home = join(dir, "home");
  dags = join(dir, "dags");
  await mkdir(dags);
  await writeFile(join(dags, "cli_flow.ts"), FLOW);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("help and usage errors", () => {
  it("prints a command's own help with its flags, and the program's with every group", async () => {
    const trigger = await updraft(["dags", "trigger", "--help"]);
    expect(trigger.code, trigger.stderr).toBe(0);
    expect(trigger.stdout).toContain("Usage: updraft dags trigger [options] <dag_id>");
    for (const flag of ["-c, --conf <json>", "-e, --logical-date <date>", "-r, --run-id <id>", "--wait", "--home <dir>"]) expect(trigger.stdout).toContain(flag);
    const top = await updraft(["--help"]);
    expect(top.code).toBe(0);
    for (const group of ["standalone", "dags", "tasks", "variables", "connections", "pools", "tokens", "users", "completion"]) expect(top.stdout).toMatch(new RegExp(`^  ${group}\\b`, "m"));
  }, SLOW);

  it("refuses an unknown flag in one line naming the command and the flag it meant (exit 2)", async () => {
    const r = await updraft(["dags", "trigger", "cli_flow", "--confx", "{}"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("updraft: dags trigger: unknown option '--confx' (did you mean --conf?)\n");
    const command = await updraft(["dagz", "list"]);
    expect([command.code, command.stderr]).toEqual([2, "updraft: unknown command 'dagz' (did you mean dags?)\n"]);
  }, SLOW);

  it("refuses an unknown output format in one line (exit 2)", async () => {
    const r = await updraft(["pools", "list", "-o", "xml"]);
    expect([r.code, r.stdout, r.stderr]).toEqual([2, "", 'updraft: pools list: --output: "xml" is not one of table, json, yaml, plain\n']);
  }, SLOW);
});

describe("output formats", () => {
  it("prints pools as a table, plain columns, JSON and YAML", async () => {
    const [table, plain, json, yaml] = await Promise.all([
      updraft(["pools", "list", "-o", "table"]), updraft(["pools", "list", "-o", "plain"]),
      updraft(["pools", "list", "-o", "json"]), updraft(["pools", "list", "-o", "yaml"]),
    ]);
    for (const r of [table, plain, json, yaml]) expect(r.code, r.stderr).toBe(0);
    // A header, a rule under it (table only), then the rows.
    expect(table.stdout).toMatch(/^pool\s+slots\s+description\b.*\n-+\s+-+\s+-+.*\ndefault_pool\s+128\b/);
    expect(plain.stdout).toMatch(/^pool\s+slots\s+description\b.*\ndefault_pool\s+128\b/);
    const rows = [{ pool: "default_pool", slots: 128, description: expect.any(String) }];
    expect(JSON.parse(json.stdout)).toMatchObject(rows);
    expect(parseYaml(yaml.stdout)).toMatchObject(rows);
    expect(parseYaml(yaml.stdout)).toEqual(JSON.parse(json.stdout));
  }, SLOW);
});

describe("Airflow's flags and the positional logical date", () => {
  it("runs `dags test DAG_ID LOGICAL_DATE` for that date, and refuses a bad date naming it", async () => {
    const r = await updraft(["dags", "test", "cli_flow", "2026-03-04", "-o", "json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ run_id: "manual__2026-03-04T00:00:00+00:00", state: "success" });
    const bad = await updraft(["dags", "test", "cli_flow", "2026-13-45"]);
    expect(bad.code).toBe(2);
    expect(messages(bad.stderr)).toEqual([expect.stringMatching(/^updraft: logical_date: "2026-13-45" /)]);
    const twice = await updraft(["dags", "test", "cli_flow", "2026-03-04", "-e", "2026-03-05"]);
    expect([twice.code, messages(twice.stderr)]).toEqual([2, [expect.stringContaining('given twice, as "2026-03-04" and as --logical-date "2026-03-05"')]]);
  }, SLOW);

  it("queues a run with -c, -e and -r, and backfills with -s and -e", async () => {
    const r = await updraft(["dags", "trigger", "cli_flow", "-c", '{"who":"short"}', "-e", "2026-02-01T06:00:00Z", "-r", "by_short_flags"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("queued run by_short_flags of dag cli_flow");
    const backfill = await updraft(["dags", "backfill", "cli_flow", "-s", "2026-01-05", "-e", "2026-01-06"]);
    expect(backfill.code, backfill.stderr).toBe(0);
    expect(backfill.stdout).toContain("backfill of cli_flow: 2 run(s) queued");
    const store = await openStore({ url: `file:${join(home, "updraft.db")}` });
    try {
      const [run] = await store.db.select().from(dagRun).where(and(eq(dagRun.dagId, "cli_flow"), eq(dagRun.runId, "by_short_flags")));
      expect(run).toMatchObject({ conf: { who: "short" }, logicalDate: new Date("2026-02-01T06:00:00Z") });
      const backfilled = await store.db.select().from(dagRun).where(and(eq(dagRun.dagId, "cli_flow"), eq(dagRun.runType, "backfill")));
      expect(backfilled.map((b) => [b.logicalDate.toISOString(), b.state]).sort()).toEqual([
        ["2026-01-05T00:00:00.000Z", "success"], ["2026-01-06T00:00:00.000Z", "success"],
      ]);
    } finally {
      await store.close();
    }
  }, SLOW);
});

describe("domain errors", () => {
  it("prints one line and exits 1 for a duplicate connection, the default pool and an unknown DAG", async () => {
    expect((await updraft(["connections", "add", "pg", "--conn-type", "postgres"])).code).toBe(0);
    const cases: Array<[string[], string]> = [
      [["connections", "add", "pg", "--conn-type", "postgres"], 'updraft: connection "pg" already exists\n'],
      [["pools", "delete", "default_pool"], 'updraft: pool "default_pool" is the default pool and cannot be deleted\n'],
      [["dags", "show", "no_such_dag"], 'updraft: dag "no_such_dag" does not exist (see `updraft dags list`)\n'],
    ];
    for (const [args, line] of cases) {
      const r = await updraft(args);
      expect([args, r.code, r.stderr]).toEqual([args, 1, line]);
    }
  }, SLOW);

  it("adds the stack trace with --verbose", async () => {
    const r = await updraft(["dags", "show", "no_such_dag", "--verbose"]);
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines[0]).toBe('updraft: NotFoundError: dag "no_such_dag" does not exist (see `updraft dags list`)');
    expect(lines.slice(1).every((l) => l.trimStart().startsWith("at "))).toBe(true);
    expect(lines.length).toBeGreaterThan(2);
  }, SLOW);
});

describe("new DAGs start paused", () => {
  // The shared vitest config sets UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION=false; empty is the default (true).
  it("`dags test` runs a DAG that started paused and leaves it paused; `dags trigger` says its run waits", async () => {
    await writeFile(join(dags, "fresh.ts"), `import { dag, task } from "@updraft/sdk";
export default dag({ id: "fresh", schedule: null }, () => { task("t", () => 1)(); });
`);
    const r = await updraft(["dags", "test", "fresh", "-o", "json"], { UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION: "" });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dag_id: "fresh", state: "success" });
    const list = await updraft(["dags", "list", "-o", "json"]);
    expect((JSON.parse(list.stdout) as Array<{ dag_id: string; is_paused: boolean }>).find((d) => d.dag_id === "fresh")?.is_paused).toBe(true);
    const trigger = await updraft(["dags", "trigger", "fresh"]);
    expect(trigger.code, trigger.stderr).toBe(0);
    expect(messages(trigger.stderr)).toContain("note: dag fresh is paused: its runs wait until it is unpaused (`updraft dags unpause fresh`)");
  }, SLOW);

  it("refuses a value of UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION it cannot read, in one line naming it (exit 2: a setting is checked before any command runs)", async () => {
    const r = await updraft(["dags", "list"], { UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION: "maybe" });
    expect([r.code, messages(r.stderr)]).toEqual([2, [expect.stringContaining('UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION: expected true or false (or 1/0, yes/no), got "maybe"')]]);
  }, SLOW);
});

describe("tasks test", () => {
  it("passes the upstream XComs of the run at that logical date, and names the missing ones otherwise", async () => {
    const run = await updraft(["dags", "test", "cli_flow", "2026-04-01", "-c", '{"who":"upstream"}']);
    expect(run.code, run.stderr).toBe(0);
    const fed = await updraft(["tasks", "test", "cli_flow", "world", "2026-04-01"]);
    expect(fed.code, fed.stderr).toBe(0);
    expect(fed.stdout).toContain('task world: success, return_value = "upstream world"');
    expect(fed.stderr).not.toContain("missing inputs");
    const alone = await updraft(["tasks", "test", "cli_flow", "world", "2026-04-02"]);
    expect(alone.code, alone.stderr).toBe(0);
    expect(messages(alone.stderr)).toEqual(['note: missing inputs: dag "cli_flow" has no run at 2026-04-02T00:00:00.000Z to take the XComs of upstream task "hello"; passing null for them']);
    expect(alone.stdout).toContain('return_value = "null world"');
  }, SLOW);
});

describe("completion", () => {
  it("lists every command of the tree with its options and their choices", () => {
    const nodes = commandTree(buildProgram());
    const trigger = nodes.find((n) => n.path.join(" ") === "dags trigger");
    expect(trigger?.options.map((o) => o.long)).toEqual(expect.arrayContaining(["--conf", "--logical-date", "--run-id", "--wait", "--home", "--help"]));
    expect(nodes.find((n) => n.path.join(" ") === "dags list")?.options.find((o) => o.long === "--output")?.choices).toEqual(["table", "json", "yaml", "plain"]);
    expect(nodes.find((n) => n.path.length === 0)?.subcommands.map((s) => s.name)).toEqual(expect.arrayContaining(["dags", "tasks", "completion"]));
  });

  it("completes commands, flags and --output's choices in a real bash", async () => {
    const file = join(dir, "updraft.bash");
    await writeFile(file, completionScript(buildProgram(), "bash"));
    const complete = (words: string[]) => new Promise<string>((done, fail) => {
      const script = `source ${file}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _updraft; echo "\${COMPREPLY[*]}"`;
      execFile("bash", ["-c", script], (err, stdout, stderr) => (err ? fail(new Error(`${err.message}\n${stderr}`)) : done(stdout.trim())));
    });
    expect(await complete(["updraft", "da"])).toBe("dags");
    expect(await complete(["updraft", "dags", "tr"])).toBe("trigger");
    expect((await complete(["updraft", "--home", "/h", "dags", "trigger", "x", "--c"])).split(" ")).toEqual(["--conf"]);
    expect(await complete(["updraft", "dags", "list", "-o", ""])).toBe("table json yaml plain");
  });

  it("writes zsh and fish scripts from the same tree", () => {
    const zsh = completionScript(buildProgram(), "zsh");
    expect(zsh.startsWith("#compdef updraft\n")).toBe(true);
    expect(zsh).toContain("'dags trigger') subs=(); opts=(");
    expect(zsh).toContain("'--conf:the run'\\''s conf, a JSON object'");
    const fish = completionScript(buildProgram(), "fish");
    expect(fish).toContain("complete -c updraft -n '__fish_seen_subcommand_from dags; and not __fish_seen_subcommand_from list show");
    expect(fish).toContain("complete -c updraft -n '__fish_seen_subcommand_from dags; and __fish_seen_subcommand_from trigger' -l conf -s c -r");
  });
});

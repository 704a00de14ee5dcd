// Integration tests of the DAG processor: real DAG files in a temp folder, bundled by esbuild,
// loaded in loader threads, written to a real libSQL file database.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { asc, eq } from "drizzle-orm";
import { bundle, dag, dagVersion, importError, type Store } from "@updraft/store";
import { dagFile, testEngines, type TestEngine } from "../testing/engine.ts";
import { DagProcessor } from "./dag-processor.ts";

const engines = testEngines();
afterEach(() => engines.cleanup());

const simpleDag = (id: string, ret = 1) => dagFile(`
export default dag({ id: "${id}", tags: ["t"], description: "the ${id} dag" }, () => {
  task("only", () => ${ret})();
});`);

const dagRow = async (store: Store, dagId: string) => (await store.db.select().from(dag).where(eq(dag.dagId, dagId)))[0];
const importErrors = (store: Store) => store.db.select().from(importError).orderBy(asc(importError.filename));

async function engineWith(files: Record<string, string>, opts: Parameters<typeof engines.open>[0] = {}): Promise<TestEngine> {
  const e = await engines.open(opts);
  for (const [name, source] of Object.entries(files)) await e.writeDag(name, source);
  return e;
}

describe("DagProcessor", { timeout: 60_000 }, () => {
  it("records the dag, its version, its bundle and the source of a file that loads", async () => {
    const source = simpleDag("good");
    const e = await engineWith({ "good.ts": source });
    const path = `${e.dagsFolder}/good.ts`;

    const [result] = await e.parse();
    expect(result).toEqual({ file: path, dagIds: ["good"], loaded: true, error: null });

    const row = await dagRow(e.store, "good");
    expect(row).toMatchObject({ fileloc: path, isActive: true, isPaused: false, hasImportErrors: false, tags: ["t"], description: "the good dag", scheduleInterval: "None" });
    const versions = await e.store.db.select().from(dagVersion).where(eq(dagVersion.dagId, "good"));
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ versionHash: row!.versionHash, source, fileloc: path });
    expect(versions[0]!.serialized.tasks.map((t) => t.id)).toEqual(["only"]);
    const [b] = await e.store.db.select().from(bundle).where(eq(bundle.hash, versions[0]!.bundleHash!));
    expect(b?.code).toContain("@updraft/sdk");
    expect(await importErrors(e.store)).toEqual([]);
  });

  it("does not load a file again when it has not changed, and records a new version when it has", async () => {
    const e = await engineWith({ "good.ts": simpleDag("good", 1) });
    await e.parseOk();
    const first = (await dagRow(e.store, "good"))!.versionHash;

    const [again] = await e.parse();
    expect(again).toMatchObject({ dagIds: ["good"], loaded: false, error: null });
    expect(await e.store.db.select().from(dagVersion)).toHaveLength(1);

    await e.writeDag("good.ts", simpleDag("good", 2));
    const [edited] = await e.parse();
    expect(edited).toMatchObject({ dagIds: ["good"], loaded: true, error: null });
    const second = (await dagRow(e.store, "good"))!.versionHash;
    expect(second).not.toBe(first);
    const versions = await e.store.db.select().from(dagVersion).where(eq(dagVersion.dagId, "good")).orderBy(asc(dagVersion.id));
    expect(versions.map((v) => v.versionHash)).toEqual([first, second]);
    expect(versions[1]!.source).toContain("=> 2");
  });

  it("bundles helper modules a DAG file imports from sibling files, without loading them as DAG files", async () => {
    const e = await engineWith({
      "lib/numbers.ts": `export const double = (n: number): number => n * 2;\n`,
      // Shared task definitions import the SDK, but define no dag, so they are not DAG files.
      "lib/shared-tasks.ts": `import { task } from "@updraft/sdk";\nexport const answer = task("answer", () => 42);\n`,
      "uses-helpers.ts": dagFile(`
import { double } from "./lib/numbers.ts";
import { answer } from "./lib/shared-tasks.ts";
export default dag({ id: "uses_helpers" }, () => {
  const a = answer();
  task("twice", (_ctx, n: number) => double(n))(a);
});`),
    });
    const results = await e.parse();
    expect(results).toEqual([{ file: `${e.dagsFolder}/uses-helpers.ts`, dagIds: ["uses_helpers"], loaded: true, error: null }]);
    expect(await importErrors(e.store)).toEqual([]);
    const [v] = await e.store.db.select().from(dagVersion).where(eq(dagVersion.dagId, "uses_helpers"));
    expect(v!.serialized.tasks.map((t) => [t.id, t.upstream])).toEqual([["answer", []], ["twice", ["answer"]]]);
    const [b] = await e.store.db.select().from(bundle).where(eq(bundle.hash, v!.bundleHash!));
    expect(b!.code).toContain("n * 2"); // the helper is inside the bundle
  });

  // Airflow's DagBag: a module that the safe-mode heuristic selects but that defines no DAG is
  // simply skipped ("no viable dags"), not an import error.
  it("does not treat a helper module that mentions the word dag but defines none as an import error", async () => {
    const e = await engineWith({
      "lib/shared-tasks.ts": `// Tasks shared by every sales dag.\nimport { task } from "@updraft/sdk";\nexport const answer = task("answer", () => 42);\n`,
      "sales.ts": dagFile(`import { answer } from "./lib/shared-tasks.ts";\nexport default dag({ id: "sales" }, () => { answer(); });`),
    });
    const results = await e.parse();
    expect(results.filter((r) => r.error)).toEqual([]);
    expect(await importErrors(e.store)).toEqual([]);
  });

  it.each([
    ["a syntax error", `export default dag({ id: "broken" }, () => { task("t", () => 1)(); ;`, /does not build: .*broken\.ts:\d+:\d+/],
    ["a cycle", `const a = task("a", () => 1);
const b = task("b", (_ctx, n: number) => n);
export default dag({ id: "broken" }, () => { const x = a(); const y = b(x); x.after(y); });`, /has a cycle: (a -> b -> a|b -> a -> b)/],
    // Like Airflow, a TaskFlow task called twice is renamed same__1; operators must not collide.
    ["a duplicate task id", `export default dag({ id: "broken" }, () => { shell("same", { command: "true" }); shell("same", { command: "false" }); });`, /duplicate task id "same"/],
    ["a bad schedule", `export default dag({ id: "broken", schedule: "every tuesday", startDate: "2026-01-01" }, () => { task("t", () => 1)(); });`, /schedule "every tuesday" is not a cron expression or preset/],
  ])("records %s as an import error naming the file and the reason, and still loads the other files", async (_what, body, reason) => {
    const e = await engineWith({ "a-good.ts": simpleDag("good_a"), "broken.ts": dagFile(body, "dag, task, shell"), "z-good.ts": simpleDag("good_z") });
    const brokenPath = `${e.dagsFolder}/broken.ts`;

    const results = await e.parse();
    expect(results.map((r) => [r.file.slice(e.dagsFolder.length + 1), r.dagIds, r.error === null])).toEqual([
      ["a-good.ts", ["good_a"], true], ["broken.ts", [], false], ["z-good.ts", ["good_z"], true],
    ]);
    const broken = results.find((r) => r.file === brokenPath)!;
    expect(broken.error).toContain(brokenPath);
    expect(broken.error).toMatch(reason);
    const errors = await importErrors(e.store);
    expect(errors.map((x) => x.filename)).toEqual([brokenPath]);
    expect(errors[0]!.stackTrace).toContain(brokenPath);
    expect(errors[0]!.stackTrace).toMatch(reason);
    expect((await dagRow(e.store, "good_a"))?.isActive).toBe(true);
    expect((await dagRow(e.store, "good_z"))?.isActive).toBe(true);
    expect(await dagRow(e.store, "broken")).toBeUndefined();

    await e.writeDag("broken.ts", simpleDag("broken"));
    const fixed = await e.parse();
    expect(fixed.find((r) => r.file === brokenPath)).toMatchObject({ dagIds: ["broken"], loaded: true, error: null });
    expect(await importErrors(e.store)).toEqual([]);
    expect((await dagRow(e.store, "broken"))?.isActive).toBe(true);
  });

  it("stops a file whose top level never finishes at parseTimeoutMs, records it, and loads the others", async () => {
    const e = await engineWith({
      "a-good.ts": simpleDag("good_a"),
      "loops.ts": dagFile(`for (;;) { /* never returns */ }\nexport default dag({ id: "loops" }, () => { task("t", () => 1)(); });`),
      "z-good.ts": simpleDag("good_z"),
    // 8 s: under CI load a good file's first load (transform included) has taken over 2 s.
    }, { processor: { parseTimeoutMs: 8_000 } });
    const loopsPath = `${e.dagsFolder}/loops.ts`;

    const results = await e.parse();
    const loops = results.find((r) => r.file === loopsPath)!;
    expect(loops.error).toContain(loopsPath);
    expect(loops.error).toMatch(/did not finish loading within 8000ms/);
    expect(results.filter((r) => r.error === null).map((r) => r.dagIds)).toEqual([["good_a"], ["good_z"]]);
    const errors = await importErrors(e.store);
    expect(errors.map((x) => x.filename)).toEqual([loopsPath]);
  });

  it("deactivates the DAGs of a deleted file and keeps them inactive", async () => {
    const e = await engineWith({ "keep.ts": simpleDag("keep"), "gone.ts": simpleDag("gone") });
    await e.parseOk();
    expect((await dagRow(e.store, "gone"))?.isActive).toBe(true);

    await e.removeDag("gone.ts");
    const results = await e.parse();
    expect(results.map((r) => r.dagIds)).toEqual([["keep"]]);
    expect((await dagRow(e.store, "gone"))?.isActive).toBe(false);
    expect((await dagRow(e.store, "keep"))?.isActive).toBe(true);

    await e.parse();
    expect((await dagRow(e.store, "gone"))?.isActive).toBe(false);
  });

  it("deactivates a DAG that a file stops defining", async () => {
    const e = await engineWith({ "two.ts": dagFile(`
export const one = dag({ id: "one" }, () => { task("t", () => 1)(); });
export const two = dag({ id: "two" }, () => { task("t", () => 2)(); });`) });
    expect((await e.parseOk())[0]!.dagIds.sort()).toEqual(["one", "two"]);

    await e.writeDag("two.ts", dagFile(`export const one = dag({ id: "one" }, () => { task("t", () => 1)(); });`));
    await e.parseOk();
    expect((await dagRow(e.store, "one"))?.isActive).toBe(true);
    expect((await dagRow(e.store, "two"))?.isActive).toBe(false);
  });

  it("records the second of two files that define the same dag id as an import error naming the first", async () => {
    const e = await engineWith({ "a-first.ts": simpleDag("same_id", 1), "b-second.ts": simpleDag("same_id", 2) });
    const first = `${e.dagsFolder}/a-first.ts`;
    const second = `${e.dagsFolder}/b-second.ts`;

    const results = await e.parse();
    expect(results[0]).toMatchObject({ file: first, dagIds: ["same_id"], error: null });
    expect(results[1]!.file).toBe(second);
    expect(results[1]!.error).toContain(second);
    expect(results[1]!.error).toContain(`dag id "same_id" is already defined in ${first}`);
    expect((await importErrors(e.store)).map((x) => x.filename)).toEqual([second]);
    expect((await dagRow(e.store, "same_id"))?.fileloc).toBe(first);

    // A second pass changes nothing: the first file keeps the id.
    await e.parse();
    expect((await dagRow(e.store, "same_id"))?.fileloc).toBe(first);
    expect((await importErrors(e.store)).map((x) => x.filename)).toEqual([second]);
  });

  it("keeps the last good version of a DAG whose file breaks, flagged has_import_errors, until it is fixed", async () => {
    const e = await engineWith({ "flip.ts": simpleDag("flip", 1) });
    await e.parseOk();
    const good = (await dagRow(e.store, "flip"))!.versionHash;

    await e.writeDag("flip.ts", dagFile(`export default dag({ id: "flip" }, () => { task("only", () => 1)(); ;`));
    expect((await e.parse())[0]!.error).toMatch(/does not build/);
    expect(await dagRow(e.store, "flip")).toMatchObject({ isActive: true, hasImportErrors: true, versionHash: good });

    await e.writeDag("flip.ts", simpleDag("flip", 2));
    await e.parseOk();
    const fixed = (await dagRow(e.store, "flip"))!;
    expect(fixed).toMatchObject({ isActive: true, hasImportErrors: false });
    expect(fixed.versionHash).not.toBe(good);
    expect(await importErrors(e.store)).toEqual([]);
  });

  // Airflow: once the file that owned a dag id is gone, the next parse loads the other file that
  // defines it (vanished files are forgotten before the others are processed).
  it("loads the other file defining a dag id on the first parse after the owning file is deleted", async () => {
    const e = await engineWith({ "a-first.ts": simpleDag("same_id", 1), "b-second.ts": simpleDag("same_id", 2) });
    await e.parse();
    await e.removeDag("a-first.ts");
    const [second] = await e.parse();
    expect(second).toMatchObject({ file: `${e.dagsFolder}/b-second.ts`, dagIds: ["same_id"], error: null });
    expect(await dagRow(e.store, "same_id")).toMatchObject({ fileloc: `${e.dagsFolder}/b-second.ts`, isActive: true });
  });

  it("clears the import error of a file that is deleted", async () => {
    const e = await engineWith({ "broken.ts": dagFile(`export default dag({ id: "b" }, () => { task("t", () => 1)(); ;`) });
    await e.parse();
    expect(await importErrors(e.store)).toHaveLength(1);
    await e.removeDag("broken.ts");
    await e.parse();
    expect(await importErrors(e.store)).toEqual([]);
  });
});

// Airflow's dags_are_paused_at_creation (default true) and is_paused_upon_creation. The shared
// vitest config sets UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION=false for every other test; these set it
// themselves before the engine (and so its processor) is made.
describe("DagProcessor: the pause flag of a new DAG", { timeout: 60_000 }, () => {
  const VAR = "UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION";
  afterEach(() => vi.unstubAllEnvs());

  const dagSaying = (id: string, options: string, ret = 1) => dagFile(`
export default dag({ id: "${id}"${options} }, () => {
  task("only", () => ${ret})();
});`);
  const paused = async (e: TestEngine, dagId: string) => (await dagRow(e.store, dagId))?.isPaused;
  const setPaused = (e: TestEngine, dagId: string, isPaused: boolean) =>
    e.store.write((tx) => tx.update(dag).set({ isPaused }).where(eq(dag.dagId, dagId)));

  it("starts a new DAG paused when UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION is unset, as Airflow does", async () => {
    vi.stubEnv(VAR, undefined);
    const e = await engineWith({ "plain.ts": simpleDag("plain") });
    await e.parseOk();
    expect(await paused(e, "plain")).toBe(true);
  });

  it("starts a new DAG paused when the variable is true, and when the option is", async () => {
    vi.stubEnv(VAR, "True");
    const byEnv = await engineWith({ "plain.ts": simpleDag("plain") });
    await byEnv.parseOk();
    expect(await paused(byEnv, "plain")).toBe(true);

    vi.stubEnv(VAR, "false");
    const byOption = await engineWith({ "plain.ts": simpleDag("plain") }, { processor: { dagsArePausedAtCreation: true } });
    await byOption.parseOk();
    expect(await paused(byOption, "plain")).toBe(true);
  });

  it("starts a DAG that says isPausedUponCreation: false unpaused, and one that says true paused, whatever the default", async () => {
    vi.stubEnv(VAR, undefined);
    const e = await engineWith({ "runs.ts": dagSaying("runs", ", isPausedUponCreation: false"), "plain.ts": simpleDag("plain") });
    await e.parseOk();
    expect(await paused(e, "runs")).toBe(false);
    expect(await paused(e, "plain")).toBe(true);

    vi.stubEnv(VAR, "false");
    const other = await engineWith({ "held.ts": dagSaying("held", ", isPausedUponCreation: true"), "plain.ts": simpleDag("plain") });
    await other.parseOk();
    expect(await paused(other, "held")).toBe(true);
    expect(await paused(other, "plain")).toBe(false);
  });

  it("starts new DAGs unpaused when the variable is false (or 0, or no)", async () => {
    for (const value of ["false", "0", "NO"]) {
      vi.stubEnv(VAR, value);
      const e = await engineWith({ "plain.ts": simpleDag("plain") });
      await e.parseOk();
      expect(await paused(e, "plain"), value).toBe(false);
    }
  });

  it("never changes the pause flag of a DAG already in the store when its file is parsed again", async () => {
    vi.stubEnv(VAR, "false");
    const e = await engineWith({ "flag.ts": simpleDag("flag", 1) });
    await e.parseOk();
    expect(await paused(e, "flag")).toBe(false);

    // Paused by someone; the file changes (a new version) and now asks to start unpaused.
    await setPaused(e, "flag", true);
    await e.writeDag("flag.ts", dagSaying("flag", ", isPausedUponCreation: false", 2));
    expect((await e.parseOk())[0]!.loaded).toBe(true);
    expect(await paused(e, "flag")).toBe(true);

    // Unpaused by someone; a processor whose default is to pause parses the file again.
    await setPaused(e, "flag", false);
    vi.stubEnv(VAR, "true");
    const pausing = new DagProcessor({ store: e.store, dagsFolder: e.dagsFolder, home: e.home });
    await e.writeDag("flag.ts", simpleDag("flag", 3));
    const [result] = await pausing.processAll();
    expect(result).toMatchObject({ dagIds: ["flag"], loaded: true, error: null });
    expect(await paused(e, "flag")).toBe(false);
    expect((await e.store.db.select().from(dagVersion).where(eq(dagVersion.dagId, "flag")))).toHaveLength(3);
  });

  it("refuses a value of UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION it cannot read, naming the variable and the value", async () => {
    vi.stubEnv(VAR, "maybe");
    const e = await engineWith({}, { processor: { dagsArePausedAtCreation: false } });
    expect(() => new DagProcessor({ store: e.store, dagsFolder: e.dagsFolder, home: e.home }))
      .toThrow('UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION: expected true or false (or 1/0, yes/no), got "maybe"');
  });
});

describe("DagProcessor and other folders", { timeout: 60_000 }, () => {
  it("leaves the DAGs of another folder active, and stores absolute file paths", async () => {
    const e = await engines.open();
    await e.writeDag("mine.ts", dagFile(`export default dag({ id: "mine" }, () => { task("t", () => 1)(); });`));
    await e.parseOk();
    const other = await mkdtemp(join(tmpdir(), "updraft-other-dags-"));
    await writeFile(join(other, "theirs.ts"), dagFile(`export default dag({ id: "theirs" }, () => { task("t", () => 1)(); });`));
    await new DagProcessor({ store: e.store, dagsFolder: other, home: other }).processAll();
    await e.parseOk();
    const rows = await e.store.db.select({ dagId: dag.dagId, isActive: dag.isActive, fileloc: dag.fileloc }).from(dag).orderBy(asc(dag.dagId));
    expect(rows.map((r) => [r.dagId, r.isActive, isAbsolute(r.fileloc)])).toEqual([["mine", true, true], ["theirs", true, true]]);
    await rm(other, { recursive: true, force: true });
  });
});

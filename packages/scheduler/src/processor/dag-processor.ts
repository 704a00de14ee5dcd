// The DAG processor: finds DAG files, bundles each, loads changed ones in isolation (a child
// process each, with a time limit and a memory cap, a bounded number at once), and writes what it
// learns: DAG rows, versions by content hash, bundles, and import errors. A file that fails
// becomes an import error; every other DAG is unaffected.
import { createHash } from "node:crypto";
import { access, mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { and, eq, inArray, notInArray } from "drizzle-orm";
import type { SerializedDag } from "@updraft/sdk";
import {
  bundle as bundleTable, dag as dagTable, dagVersion, importError, clearImportError, replaceImportError, type Store,
} from "@updraft/store";
import { discoverDagFiles } from "./discover.ts";
import { takeParseRequests } from "./parse-requests.ts";
import { bundleDagFile } from "./bundle.ts";
import { loadDagFile, ParseFailure } from "./load-file.ts";
import { ParseSlots } from "./parse-slots.ts";
import { dagsArePausedAtCreationFromEnv, pausedAtCreation } from "./paused-at-creation.ts";
import { describeSchedule } from "../timing/schedule.ts";
import { DagImportError } from "../errors.ts";

export interface DagProcessorOptions {
  store: Store;
  dagsFolder: string;
  /** Where bundles are written for local threads: `<home>/bundles/<hash>.mjs`. */
  home: string;
  /** Airflow's dagbag_import_timeout (UPDRAFT_PARSE_TIMEOUT); default 30s. */
  parseTimeoutMs?: number;
  /** The memory a parse's process may use, heap and off-heap (UPDRAFT_PARSE_MEMORY_MB); default 512. */
  parseMemoryMb?: number;
  /** How many files are loaded at once (UPDRAFT_PARSE_PARALLELISM); default 2. */
  parseParallelism?: number;
  /**
   * A load whose process has used this much CPU time (or has run four times as long by the clock,
   * blocked) is slow: it becomes a suspect, like a file that failed before, and gives its slot up
   * to a waiting file that has not failed (it is then loaded again later, to its full time-out).
   * So a good file waits at most about this long per slow file ahead of it, even at start-up, and
   * a good file that only waits for the CPU of a busy machine is not slow. Default 3s, or the
   * time-out if shorter.
   */
  parseSlowMs?: number;
  /**
   * A file that failed to load is loaded again as soon as its bundle changes; unchanged, only
   * after this delay (or the time the failed load took, if longer), doubled after each failure
   * up to `retryMaxMs`. Default 5s (the parse interval).
   */
  retryAfterFailureMs?: number;
  /** The longest wait before an unchanged failed file is loaded again; default 5 minutes. */
  retryMaxMs?: number;
  /**
   * Whether a DAG seen for the first time starts paused, unless it says otherwise with
   * `isPausedUponCreation` (Airflow's dags_are_paused_at_creation). Default: UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION,
   * true unless it is "false", "0" or "no"; another value than those and "true", "1", "yes" throws
   * here. A DAG already in the store keeps its pause flag whatever this says.
   */
  dagsArePausedAtCreation?: boolean;
}

export interface FileResult {
  file: string;
  dagIds: string[];
  /** False when the bundle was unchanged since the last parse and the file was not loaded again. */
  loaded: boolean;
  error: string | null;
}

export interface ProcessAllOptions {
  /**
   * How long to wait for this pass's files. Default: until every file is done. With a bound, the
   * files still loading go on in the background (a later pass does not start them again) and
   * their results reach `onResult` listeners; a slow or hanging file then holds up no other file.
   */
  waitMs?: number;
}

/** The path a bundle is written to for threads that share this machine's disk. */
export function bundlePath(home: string, hash: string): string {
  return join(resolve(home), "bundles", `${hash}.mjs`);
}

/** Writes a bundle to `<home>/bundles/<hash>.mjs` unless it is there already (atomically, by rename). */
export async function ensureBundleFile(home: string, hash: string, code: () => Promise<string> | string): Promise<string> {
  const path = bundlePath(home, hash);
  try {
    await access(path);
  } catch {
    await mkdir(join(resolve(home), "bundles"), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, await code());
    await rename(tmp, path);
  }
  return path;
}

async function mtimes(inputs: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const i of inputs) {
    const path = resolve(i);
    out.set(path, (await stat(path).catch(() => null))?.mtimeMs ?? -1);
  }
  return out;
}

async function unchanged(inputs: Map<string, number>): Promise<boolean> {
  for (const [path, mtime] of inputs) if (((await stat(path).catch(() => null))?.mtimeMs ?? -1) !== mtime) return false;
  return inputs.size > 0;
}

/** A path as people know it: relative to the working directory when inside it. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith("..") ? rel : file;
}

/** What loading a file found, before it is written to the store. */
type Prepared =
  | { kind: "same"; result: FileResult }
  | { kind: "loaded"; fileloc: string; hash: string; code: string; source: string; dags: SerializedDag[]; inputs: Map<string, number> }
  | { kind: "failed"; fileloc: string; err: unknown; hash: string | null; tookMs: number };

/**
 * Parses a DAGs folder into the store: bundles each file, loads changed ones in child processes
 * with a time limit and a memory cap, a bounded number at once, and records DAGs, versions,
 * bundles and import errors. A file that failed to load is loaded again when it changes, or
 * unchanged after a back-off, so a file that hangs costs its time-out once, not on every pass.
 * @example
 * const processor = new DagProcessor({ store, dagsFolder: "dags", home: ".updraft" });
 * for (const r of await processor.processAll()) if (r.error) console.error(r.error);
 */
export class DagProcessor {
  private readonly opts: Required<DagProcessorOptions>;
  /** file -> bundle hash, DAG ids and the modification times of its inputs at its last load. */
  private readonly seen = new Map<string, { hash: string; dagIds: string[]; inputs: Map<string, number> }>();
  /** file -> the bundle that failed to load, its error, how many times in a row, and when to try it again. */
  private readonly failed = new Map<string, { hash: string; error: string; failures: number; retryAt: number }>();
  /** file -> its parse under way (load, then write), shared by every pass that wants it. */
  private readonly running = new Map<string, Promise<FileResult>>();
  private readonly slots: ParseSlots;
  /**
   * Files with an import error in the store when this processor first looked (left by an earlier
   * process): suspects for their first load here, as if they had failed in this process.
   */
  private inheritedErrors: Promise<Set<string>> | null = null;
  /** Writes to the store happen one file at a time. */
  private writing: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<{ result: (r: FileResult) => void; error?: (err: unknown) => void }>();
  private readonly stopping = new AbortController();

  constructor(opts: DagProcessorOptions) {
    this.opts = {
      parseTimeoutMs: 30_000, parseMemoryMb: 512, parseParallelism: 2, parseSlowMs: 3_000, retryAfterFailureMs: 5_000, retryMaxMs: 300_000,
      ...opts,
      dagsArePausedAtCreation: opts.dagsArePausedAtCreation ?? dagsArePausedAtCreationFromEnv(),
    };
    this.slots = new ParseSlots(Math.max(1, this.opts.parseParallelism));
  }

  /**
   * Stops every parse under way (their child processes are killed; nothing of them is written)
   * and starts no other. For a process that shuts down while a file is still loading.
   */
  close(): void {
    this.stopping.abort();
  }

  /** Calls `result` with every file's result as it is written (and `error` when writing failed); returns an unsubscribe. */
  onResult(result: (r: FileResult) => void, error?: (err: unknown) => void): () => void {
    const entry = { result, error };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  /**
   * Parses every DAG file in the folder: only files whose bundle changed are loaded again, and a
   * failed file only when it changed or its back-off is over. Results are in file order.
   */
  async processAll(options: ProcessAllOptions = {}): Promise<FileResult[]> {
    const folder = resolve(this.opts.dagsFolder);
    const files = await discoverDagFiles(folder);
    // Forget vanished files first, so a DAG id they held can move to another file in this pass.
    await this.forgetMissingFiles(files.map((f) => this.fileloc(f)));
    // Files someone asked to parse (PUT /parseDagFile) are loaded again even when unchanged.
    for (const f of await takeParseRequests(this.opts.store, files.map((x) => this.fileloc(x)))) this.forget(f);
    if (options.waitMs === undefined) {
      // Loads run side by side; writes follow file order, so of two files defining one DAG id the
      // first keeps it, as when files were parsed one by one.
      let gate: Promise<unknown> = Promise.resolve();
      const all = files.map((f) => {
        const p = this.pipeline(f, gate);
        gate = p;
        return p;
      });
      return Promise.all(all);
    }
    const done: Array<FileResult | undefined> = [];
    const all = files.map((f, i) => this.pipeline(f).then((r) => { done[i] = r; }));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(all),
      new Promise((r) => { timer = setTimeout(r, options.waitMs); }),
    ]).finally(() => clearTimeout(timer));
    return done.filter((r): r is FileResult => r !== undefined);
  }

  /** The path stored for a file: absolute, so processes started from anywhere agree on it. */
  private fileloc(file: string): string {
    return resolve(file);
  }

  async processFile(file: string): Promise<FileResult> {
    return this.pipeline(file);
  }

  /**
   * Loads a file again now, even unchanged and even within a failed file's back-off (PUT
   * /parseDagFile in a process that runs this processor).
   */
  async reparse(file: string): Promise<FileResult> {
    await this.running.get(this.fileloc(file))?.catch(() => undefined);
    this.forget(this.fileloc(file));
    return this.pipeline(file);
  }

  /** Forgets what the last load of a file found, so that the next pass loads it again. */
  private forget(fileloc: string): void {
    this.seen.delete(fileloc);
    this.failed.delete(fileloc);
  }

  /** Loads a file (unless a parse of it is under way: then that one), then writes what it found. */
  private pipeline(file: string, gate?: Promise<unknown>): Promise<FileResult> {
    const fileloc = this.fileloc(file);
    const existing = this.running.get(fileloc);
    if (existing) return existing;
    const p = (async () => {
      const prepared = await this.prepare(file);
      if (gate) await gate.catch(() => undefined);
      if (this.stopping.signal.aborted) return { file: fileloc, dagIds: [], loaded: false, error: `${displayPath(fileloc)}: not loaded: the DAG processor stopped` };
      const write = this.writing.then(() => this.apply(prepared));
      this.writing = write.catch(() => undefined);
      return write;
    })().finally(() => this.running.delete(fileloc));
    this.running.set(fileloc, p);
    p.then(
      (r) => { for (const l of this.listeners) l.result(r); },
      (err: unknown) => { for (const l of this.listeners) l.error?.(err); },
    );
    return p;
  }

  private async prepare(file: string): Promise<Prepared> {
    const fileloc = this.fileloc(file);
    let hash: string | null = null;
    const load = { started: null as number | null };
    try {
      const previous = this.seen.get(fileloc);
      // Nothing the bundle was built from changed on disk: no need to build it again.
      if (previous && (await unchanged(previous.inputs))) return { kind: "same", result: { file: fileloc, dagIds: previous.dagIds, loaded: false, error: null } };
      const built = await bundleDagFile(file, displayPath(fileloc));
      hash = built.hash;
      const inputs = await mtimes(built.inputs);
      if (previous?.hash === built.hash) {
        previous.inputs = inputs;
        return { kind: "same", result: { file: fileloc, dagIds: previous.dagIds, loaded: false, error: null } };
      }
      // The same bundle failed to load before: not again until its back-off is over.
      const failed = this.failed.get(fileloc);
      if (failed?.hash === built.hash && performance.now() < failed.retryAt) {
        return { kind: "same", result: { file: fileloc, dagIds: [], loaded: false, error: failed.error } };
      }
      const path = await ensureBundleFile(this.opts.home, built.hash, () => built.code);
      const suspect = failed !== undefined || (await this.failedBefore()).has(fileloc);
      const dags = await this.load(fileloc, path, built.hash, suspect, (t) => (load.started = t));
      // A module that defines no DAG (a helper) is not an error, as in Airflow.
      const source = await readFile(file, "utf8");
      return { kind: "loaded", fileloc, hash: built.hash, code: built.code, source, dags, inputs };
    } catch (err) {
      return { kind: "failed", fileloc, err, hash, tookMs: load.started === null ? 0 : performance.now() - load.started };
    }
  }

  private failedBefore(): Promise<Set<string>> {
    this.inheritedErrors ??= this.opts.store.db.select({ filename: importError.filename }).from(importError)
      .then((rows) => new Set(rows.map((r) => r.filename)), () => new Set<string>());
    return this.inheritedErrors;
  }

  /**
   * Loads a bundle in a parse process once a slot is free. A load that is not a suspect and runs
   * past parseSlowMs may be preempted for a file waiting behind it: it is stopped and queued again
   * as a suspect, and that load runs to the time-out. `started` learns when the last load began.
   */
  private async load(fileloc: string, path: string, hash: string, suspect: boolean, started: (t: number) => void): Promise<SerializedDag[]> {
    for (;;) {
      const preempt = new AbortController();
      const lease = await this.slots.acquire(suspect, () => preempt.abort());
      started(performance.now());
      try {
        return await loadDagFile(
          { file: displayPath(fileloc), bundlePath: path, hash },
          { timeoutMs: this.opts.parseTimeoutMs, memoryMb: this.opts.parseMemoryMb },
          AbortSignal.any([this.stopping.signal, preempt.signal]),
          suspect ? undefined : { afterMs: Math.min(this.opts.parseSlowMs, this.opts.parseTimeoutMs), onSlow: () => lease.markSlow() },
        );
      } catch (err) {
        if (!preempt.signal.aborted || this.stopping.signal.aborted) throw err;
        suspect = true;
      } finally {
        lease.release();
      }
    }
  }

  private async apply(p: Prepared): Promise<FileResult> {
    if (p.kind === "same") return p.result;
    if (p.kind === "failed") return this.recordFailure(p.fileloc, p.err, p.hash, p.tookMs);
    try {
      await this.persist(p.fileloc, p.hash, p.code, p.source, p.dags);
    } catch (err) {
      return this.recordFailure(p.fileloc, err, null, 0);
    }
    this.seen.set(p.fileloc, { hash: p.hash, dagIds: p.dags.map((d) => d.id), inputs: p.inputs });
    this.failed.delete(p.fileloc);
    // Loaded here: what an earlier process recorded no longer counts against it.
    void this.inheritedErrors?.then((files) => files.delete(p.fileloc));
    return { file: p.fileloc, dagIds: p.dags.map((d) => d.id), loaded: true, error: null };
  }

  /**
   * Records a file's import error. A bundle that failed to load (its own error, or a limit it
   * broke) waits out a back-off before it is loaded again unchanged: retryAfterFailureMs or the
   * time the load took, whichever is longer, doubled per failure in a row up to retryMaxMs. Other failures (it does not
   * build, a DAG id another file holds) are checked again on every pass, as they cost little.
   */
  private async recordFailure(fileloc: string, err: unknown, hash: string | null, tookMs: number): Promise<FileResult> {
    const message = err instanceof DagImportError ? err.message : `${displayPath(fileloc)}: ${err instanceof Error ? err.message : String(err)}`;
    // The message, then the frames of the error that caused it (its own first line repeats the message).
    const causeStack = err instanceof DagImportError ? (err.cause as { stack?: unknown } | undefined)?.stack : (err as Error)?.stack;
    const frames = typeof causeStack === "string" ? causeStack.split("\n").filter((l) => /^\s+at /.test(l)) : [];
    const stack = [message, ...frames].join("\n");
    this.seen.delete(fileloc);
    if (err instanceof ParseFailure && hash !== null) {
      const before = this.failed.get(fileloc);
      const failures = before?.hash === hash ? before.failures + 1 : 1;
      // At least as long as the failed load took, so a file that hangs gets at most half a slot.
      const delay = Math.min(this.opts.retryMaxMs, Math.max(this.opts.retryAfterFailureMs, tookMs) * 2 ** Math.min(failures - 1, 30));
      this.failed.set(fileloc, { hash, error: message, failures, retryAt: performance.now() + delay });
    } else {
      this.failed.delete(fileloc);
    }
    await replaceImportError(this.opts.store, fileloc, stack);
    await this.opts.store.write((tx) => tx.update(dagTable).set({ hasImportErrors: true }).where(eq(dagTable.fileloc, fileloc)));
    return { file: fileloc, dagIds: [], loaded: true, error: message };
  }

  private async persist(fileloc: string, bundleHash: string, code: string, source: string, dags: SerializedDag[]): Promise<void> {
    const { db } = this.opts.store;
    const ids = dags.map((d) => d.id);
    const clash = await db.select({ dagId: dagTable.dagId, fileloc: dagTable.fileloc }).from(dagTable)
      .where(and(inArray(dagTable.dagId, ids), eq(dagTable.isActive, true)));
    for (const c of clash) {
      if (c.fileloc !== fileloc && this.seenFileHas(c.fileloc, c.dagId)) {
        throw new DagImportError(displayPath(fileloc), `dag id "${c.dagId}" is already defined in ${displayPath(c.fileloc)}`);
      }
    }
    const now = new Date();
    await this.opts.store.write(async (tx) => {
      await tx.insert(bundleTable).values({ hash: bundleHash, code, createdAt: now }).onConflictDoNothing();
      for (const d of dags) {
        const versionHash = createHash("sha256").update(bundleHash).update(JSON.stringify(d)).digest("hex");
        const row = {
          fileloc, isActive: true, hasImportErrors: false, lastParsedTime: now, versionHash,
          description: d.description, tags: d.tags, scheduleInterval: describeSchedule(d.schedule),
          timetableDescription: describeSchedule(d.schedule), maxActiveRuns: d.maxActiveRuns, maxActiveTasks: d.maxActiveTasks,
        };
        // The pause flag is set once, when the DAG id is first inserted: a re-parse keeps whatever
        // people made of it since (the update below leaves isPaused out).
        await tx.insert(dagTable).values({ dagId: d.id, isPaused: pausedAtCreation(d, this.opts.dagsArePausedAtCreation), ...row })
          .onConflictDoUpdate({ target: dagTable.dagId, set: row });
        await tx.insert(dagVersion).values({ dagId: d.id, versionHash, bundleHash, serialized: d, source, fileloc, createdAt: now })
          .onConflictDoNothing();
      }
      await tx.update(dagTable).set({ isActive: false }).where(and(eq(dagTable.fileloc, fileloc), notInArray(dagTable.dagId, ids)));
    });
    await clearImportError(this.opts.store, fileloc);
  }

  private seenFileHas(fileloc: string, dagId: string): boolean {
    return this.seen.get(fileloc)?.dagIds.includes(dagId) ?? true;
  }

  /**
   * DAGs whose file is gone from this processor's folder are deactivated, and the file's import
   * error removed. DAGs of other folders (another process's) are not this processor's to judge.
   */
  private async forgetMissingFiles(present: string[]): Promise<void> {
    const { db } = this.opts.store;
    const folder = `${resolve(this.opts.dagsFolder)}${sep}`;
    const mine = (f: string) => f.startsWith(folder) && !present.includes(f);
    const gone = (await db.select({ dagId: dagTable.dagId, fileloc: dagTable.fileloc }).from(dagTable).where(eq(dagTable.isActive, true))).filter((d) => mine(d.fileloc));
    if (gone.length) await this.opts.store.write((tx) => tx.update(dagTable).set({ isActive: false }).where(inArray(dagTable.dagId, gone.map((d) => d.dagId))));
    for (const f of [...this.seen.keys()]) if (!present.includes(f)) this.seen.delete(f);
    for (const f of [...this.failed.keys()]) if (!present.includes(f)) this.failed.delete(f);
    const stale = await db.select({ filename: importError.filename }).from(importError);
    for (const s of stale) if (mine(s.filename)) await clearImportError(this.opts.store, s.filename);
  }

}

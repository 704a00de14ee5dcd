// The DAG processor: finds DAG files, bundles each, loads changed ones in isolation, and writes
// what it learns: DAG rows, versions by content hash, bundles, and import errors. A file that
// fails becomes an import error; every other DAG is unaffected.
import { createHash } from "node:crypto";
import { access, mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { and, eq, inArray, notInArray } from "drizzle-orm";
import type { SerializedDag } from "@updraft/sdk";
import {
  bundle as bundleTable, dag as dagTable, dagVersion, importError, clearImportError, replaceImportError, type Store,
} from "@updraft/store";
import { discoverDagFiles } from "./discover.ts";
import { bundleDagFile } from "./bundle.ts";
import { loadDagFile } from "./load-file.ts";
import { describeSchedule } from "../timing/schedule.ts";
import { DagImportError } from "../errors.ts";

export interface DagProcessorOptions {
  store: Store;
  dagsFolder: string;
  /** Where bundles are written for local threads: `<home>/bundles/<hash>.mjs`. */
  home: string;
  /** Airflow's dagbag_import_timeout; default 30s. */
  parseTimeoutMs?: number;
  /** Whether a DAG seen for the first time starts paused; default false. */
  pausedAtCreation?: boolean;
}

export interface FileResult {
  file: string;
  dagIds: string[];
  /** False when the bundle was unchanged since the last parse and the file was not loaded again. */
  loaded: boolean;
  error: string | null;
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

/**
 * Parses a DAGs folder into the store: bundles each file, loads changed ones in threads with a
 * time limit, and records DAGs, versions, bundles and import errors.
 * @example
 * const processor = new DagProcessor({ store, dagsFolder: "dags", home: ".updraft" });
 * for (const r of await processor.processAll()) if (r.error) console.error(r.error);
 */
export class DagProcessor {
  private readonly opts: Required<DagProcessorOptions>;
  /** file -> bundle hash, DAG ids and the modification times of its inputs at its last load. */
  private readonly seen = new Map<string, { hash: string; dagIds: string[]; inputs: Map<string, number> }>();

  constructor(opts: DagProcessorOptions) {
    this.opts = { parseTimeoutMs: 30_000, pausedAtCreation: false, ...opts };
  }

  /** Parses every DAG file in the folder; only files whose bundle changed are loaded again. */
  async processAll(): Promise<FileResult[]> {
    const folder = resolve(this.opts.dagsFolder);
    const files = await discoverDagFiles(folder);
    // Forget vanished files first, so a DAG id they held can move to another file in this pass.
    await this.forgetMissingFiles(files.map((f) => this.fileloc(f)));
    const results: FileResult[] = [];
    for (const file of files) results.push(await this.processFile(file));
    return results;
  }

  /** The path stored for a file: absolute, so processes started from anywhere agree on it. */
  private fileloc(file: string): string {
    return resolve(file);
  }

  async processFile(file: string): Promise<FileResult> {
    const fileloc = this.fileloc(file);
    try {
      const previous = this.seen.get(fileloc);
      // Nothing the bundle was built from changed on disk: no need to build it again.
      if (previous && (await unchanged(previous.inputs))) return { file: fileloc, dagIds: previous.dagIds, loaded: false, error: null };
      const built = await bundleDagFile(file, displayPath(fileloc));
      const inputs = await mtimes(built.inputs);
      if (previous?.hash === built.hash) {
        previous.inputs = inputs;
        return { file: fileloc, dagIds: previous.dagIds, loaded: false, error: null };
      }
      const path = await ensureBundleFile(this.opts.home, built.hash, () => built.code);
      const dags = await loadDagFile({ file: displayPath(fileloc), bundlePath: path, hash: built.hash }, this.opts.parseTimeoutMs);
      // A module that defines no DAG (a helper) is not an error, as in Airflow.
      const source = await readFile(file, "utf8");
      await this.persist(fileloc, built.hash, built.code, source, dags);
      this.seen.set(fileloc, { hash: built.hash, dagIds: dags.map((d) => d.id), inputs });
      return { file: fileloc, dagIds: dags.map((d) => d.id), loaded: true, error: null };
    } catch (err) {
      const message = err instanceof DagImportError ? err.message : `${displayPath(fileloc)}: ${err instanceof Error ? err.message : String(err)}`;
      // The message, then the frames of the error that caused it (its own first line repeats the message).
      const causeStack = err instanceof DagImportError ? (err.cause as { stack?: unknown } | undefined)?.stack : (err as Error)?.stack;
      const frames = typeof causeStack === "string" ? causeStack.split("\n").filter((l) => /^\s+at /.test(l)) : [];
      const stack = [message, ...frames].join("\n");
      this.seen.delete(fileloc);
      await replaceImportError(this.opts.store, fileloc, stack);
      await this.opts.store.write((tx) => tx.update(dagTable).set({ hasImportErrors: true }).where(eq(dagTable.fileloc, fileloc)));
      return { file: fileloc, dagIds: [], loaded: true, error: message };
    }
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
        await tx.insert(dagTable).values({ dagId: d.id, isPaused: this.opts.pausedAtCreation, ...row })
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
    const stale = await db.select({ filename: importError.filename }).from(importError);
    for (const s of stale) if (mine(s.filename)) await clearImportError(this.opts.store, s.filename);
  }

}

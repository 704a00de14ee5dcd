// The DAGs the scheduler knows: their pause flag and current version (serialized structure and
// bundle), refreshed from the store so that changes made by the DAG processor, the API or the
// CLI in other processes are seen.
import { and, eq } from "drizzle-orm";
import { bundle, dag as dagTable, dagVersion, dagRun, type Store } from "@updraft/store";
import type { DataInterval } from "../timing/schedule.ts";
import { ensureBundleFile } from "../processor/dag-processor.ts";
import { SchedulerRequestError } from "../errors.ts";
import type { DagVersionRef } from "./run-model.ts";
import { desc, inArray } from "drizzle-orm";

export interface DagEntry {
  dagId: string;
  isPaused: boolean;
  isActive: boolean;
  versionHash: string;
  version: DagVersionRef;
  /** Data interval of the latest scheduled or backfill run: the schedule's cursor. */
  lastInterval: DataInterval | null;
  /** When a timer is armed for the next scheduled run. */
  timerAt: number | null;
}

export class DagRegistry {
  private readonly store: Store;
  private readonly home: string;
  private readonly dags = new Map<string, DagEntry>();
  private readonly versions = new Map<number, DagVersionRef>();

  constructor(store: Store, home: string) {
    this.store = store;
    this.home = home;
  }

  get(dagId: string): DagEntry | undefined {
    return this.dags.get(dagId);
  }

  entries(): DagEntry[] {
    return [...this.dags.values()];
  }

  require(dagId: string): DagEntry {
    const entry = this.dags.get(dagId);
    if (!entry || !entry.isActive) throw new SchedulerRequestError(`dag "${dagId}" is not known (is its file in the DAGs folder, and does it load?)`);
    return entry;
  }

  /** Re-reads the dag table; returns the entries that are new or whose version or pause flag changed. */
  async refresh(): Promise<DagEntry[]> {
    const rows = await this.store.db
      .select({ dagId: dagTable.dagId, isPaused: dagTable.isPaused, isActive: dagTable.isActive, versionHash: dagTable.versionHash })
      .from(dagTable);
    const changed: DagEntry[] = [];
    for (const row of rows) {
      if (!row.versionHash) continue;
      const known = this.dags.get(row.dagId);
      if (known && known.versionHash === row.versionHash && known.isPaused === row.isPaused && known.isActive === row.isActive) continue;
      const version = known?.versionHash === row.versionHash ? known.version : await this.loadVersion(row.dagId, row.versionHash);
      const entry: DagEntry = {
        dagId: row.dagId, isPaused: row.isPaused, isActive: row.isActive, versionHash: row.versionHash, version,
        lastInterval: known ? known.lastInterval : await this.lastInterval(row.dagId), timerAt: known?.timerAt ?? null,
      };
      this.dags.set(row.dagId, entry);
      changed.push(entry);
    }
    return changed;
  }

  /** A version by id (runs keep the version they were created from). */
  async version(versionId: number): Promise<DagVersionRef> {
    const cached = this.versions.get(versionId);
    if (cached) return cached;
    const [row] = await this.store.db.select().from(dagVersion).where(eq(dagVersion.id, versionId));
    if (!row) throw new SchedulerRequestError(`dag version ${versionId} does not exist`);
    return this.toRef(row);
  }

  private async loadVersion(dagId: string, versionHash: string): Promise<DagVersionRef> {
    const [row] = await this.store.db.select().from(dagVersion)
      .where(and(eq(dagVersion.dagId, dagId), eq(dagVersion.versionHash, versionHash)));
    if (!row) throw new SchedulerRequestError(`dag "${dagId}": version ${versionHash.slice(0, 12)} is missing from dag_version`);
    return this.toRef(row);
  }

  private async toRef(row: typeof dagVersion.$inferSelect): Promise<DagVersionRef> {
    const hash = row.bundleHash!;
    const bundlePath = await ensureBundleFile(this.home, hash, async () => {
      const [b] = await this.store.db.select({ code: bundle.code }).from(bundle).where(eq(bundle.hash, hash));
      if (!b) throw new SchedulerRequestError(`bundle ${hash.slice(0, 12)} of dag "${row.dagId}" is missing`);
      return b.code;
    });
    const ref: DagVersionRef = { versionId: row.id, serialized: row.serialized, bundleHash: hash, bundlePath };
    this.versions.set(row.id, ref);
    return ref;
  }

  private async lastInterval(dagId: string): Promise<DataInterval | null> {
    const [row] = await this.store.db
      .select({ start: dagRun.dataIntervalStart, end: dagRun.dataIntervalEnd })
      .from(dagRun)
      .where(and(eq(dagRun.dagId, dagId), inArray(dagRun.runType, ["scheduled", "backfill"])))
      .orderBy(desc(dagRun.logicalDate))
      .limit(1);
    return row?.start && row.end ? { start: row.start, end: row.end } : null;
  }
}

// `updraft dags list | show | pause | unpause | list-import-errors`.
import { asc, eq } from "drizzle-orm";
import { currentDagVersion, dag, listImportErrors, recordEvent, type Store } from "@updraft/store";
import { DagProcessor } from "@updraft/scheduler";
import { processorOptions, type Config } from "../config.ts";
import { openConfiguredStore } from "../runtime.ts";
import { NotFoundError } from "../errors.ts";
import { printData, printTable } from "./output.ts";

async function withStore<T>(config: Config, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openConfiguredStore(config);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

export function dagsList(config: Config, output?: string): Promise<number> {
  return withStore(config, async (store) => {
    // As Airflow's `dags list`: what the folder holds now.
    await new DagProcessor({ store, ...processorOptions(config) }).processAll();
    const rows = await store.db.select().from(dag).where(eq(dag.isActive, true)).orderBy(asc(dag.dagId));
    printTable(rows.map((d) => ({
      dag_id: d.dagId, fileloc: d.fileloc, schedule: d.scheduleInterval, is_paused: d.isPaused, tags: d.tags.join(","),
      has_import_errors: d.hasImportErrors,
    })), output);
    return 0;
  });
}

export function dagsShow(config: Config, dagId: string, output?: string): Promise<number> {
  return withStore(config, async (store) => {
    const [d] = await store.db.select().from(dag).where(eq(dag.dagId, dagId));
    if (!d?.versionHash) throw new NotFoundError(`dag "${dagId}"`, "see `updraft dags list`");
    const v = await currentDagVersion(store, dagId);
    if (!v) throw new NotFoundError(`a parsed version of dag "${dagId}"`, "run `updraft dags reserialize`");
    const s = v.serialized;
    printData(s, output, () => {
      console.log(`dag ${s.id}  (${d.fileloc})\nschedule: ${d.scheduleInterval}  start: ${s.startDate ?? "-"}  catchup: ${s.catchup}  paused: ${d.isPaused}`);
      for (const t of s.tasks) {
        const mapped = t.expand ? " [mapped]" : "";
        const after = t.upstream.length ? `  <- ${t.upstream.join(", ")}` : "";
        console.log(`  ${t.id} (${t.kind}${mapped}, ${t.triggerRule}, retries ${t.retries})${after}`);
      }
    });
    return 0;
  });
}

export function dagsSetPaused(config: Config, dagId: string, paused: boolean): Promise<number> {
  return withStore(config, async (store) => {
    const updated = await store.write((tx) => tx.update(dag).set({ isPaused: paused }).where(eq(dag.dagId, dagId)).returning({ dagId: dag.dagId }));
    if (updated.length === 0) throw new NotFoundError(`dag "${dagId}"`, "see `updraft dags list`");
    await recordEvent(store, { event: paused ? "paused" : "unpaused", dagId, owner: "cli" });
    console.log(`dag ${dagId} ${paused ? "paused" : "unpaused"}`);
    return 0;
  });
}

export function dagsListImportErrors(config: Config, output?: string): Promise<number> {
  return withStore(config, async (store) => {
    const rows = await listImportErrors(store);
    if (output === "json" || output === "yaml") printTable(rows.map((r) => ({ filename: r.filename, stack_trace: r.stackTrace, timestamp: r.timestamp })), output);
    else if (rows.length === 0) console.log("no import errors");
    else for (const r of rows) console.log(`${r.filename}\n  ${r.stackTrace.split("\n").join("\n  ")}\n`);
    return 0;
  });
}

export { withStore };

// The version of a DAG that counts: its current one (the `dag` row's version hash), or the one a
// run was created from. The API, the UI's routes and the CLI all read DAG structure through these.
import { and, eq } from "drizzle-orm";
import type { SerializedDag } from "@updraft/sdk";
import type { Store } from "./open-store.ts";
import { dag, dagVersion } from "./schema/dag.ts";

/** A DAG version without its source text (read that from `dag_version` when it is wanted). */
export interface DagVersionInfo {
  id: number;
  versionHash: string;
  bundleHash: string | null;
  fileloc: string;
  createdAt: Date;
  serialized: SerializedDag;
}

const INFO = {
  id: dagVersion.id, versionHash: dagVersion.versionHash, bundleHash: dagVersion.bundleHash,
  fileloc: dagVersion.fileloc, createdAt: dagVersion.createdAt, serialized: dagVersion.serialized,
};

/** The DAG's current version, or null for a DAG that is unknown or was never parsed into one. */
export async function currentDagVersion(store: Store, dagId: string): Promise<DagVersionInfo | null> {
  const [row] = await store.db.select(INFO).from(dag)
    .innerJoin(dagVersion, and(eq(dagVersion.dagId, dag.dagId), eq(dagVersion.versionHash, dag.versionHash)))
    .where(eq(dag.dagId, dagId));
  return row ?? null;
}

/** The structure of the DAG version a run was created from; the DAG's current one for a run that records none. */
export async function runDagVersion(store: Store, run: { dagId: string; dagVersionId: number | null }): Promise<SerializedDag | null> {
  if (run.dagVersionId == null) return (await currentDagVersion(store, run.dagId))?.serialized ?? null;
  const [row] = await store.db.select({ s: dagVersion.serialized }).from(dagVersion).where(eq(dagVersion.id, run.dagVersionId));
  return row?.s ?? null;
}

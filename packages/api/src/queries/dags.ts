// A DAG's structure as the routes read it: its current version's serialized form.
import { currentDagVersion, type Store } from "@updraft/store";
import type { SerializedDag } from "@updraft/sdk";

/** The serialized structure of a DAG's current version. */
export async function serializedDag(store: Store, dagId: string): Promise<SerializedDag | null> {
  return (await currentDagVersion(store, dagId))?.serialized ?? null;
}

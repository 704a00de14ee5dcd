// Helpers for this package's tests: fresh migrated stores on `:memory:` or on a temp file, and
// cleanup. Not exported from the package.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrateStore } from "./migrate.ts";
import { openStore, type OpenStoreOptions, type Store } from "./open-store.ts";

/** Tracks what a test opened so `cleanup` can close and delete it. */
export interface TestStores {
  /** A migrated in-memory store. */
  memory(opts?: Omit<OpenStoreOptions, "url">): Promise<Store>;
  /** A fresh temp directory, deleted by `cleanup`. */
  tempDir(): Promise<string>;
  /** Opens (and migrates, unless `migrate: false`) a store on `url`. */
  open(url: string, opts?: Omit<OpenStoreOptions, "url"> & { migrate?: boolean }): Promise<Store>;
  /** Closes every store and deletes every temp directory. */
  cleanup(): Promise<void>;
}

/**
 * @example
 * const t = testStores();
 * afterEach(() => t.cleanup());
 * it("…", async () => { const store = await t.memory(); … });
 */
export function testStores(): TestStores {
  const stores: Store[] = [];
  const dirs: string[] = [];
  const open = async (url: string, opts: Omit<OpenStoreOptions, "url"> & { migrate?: boolean } = {}): Promise<Store> => {
    const { migrate = true, ...rest } = opts;
    const store = await openStore({ url, ...rest });
    stores.push(store);
    if (migrate) await migrateStore(store);
    return store;
  };
  return {
    memory: (opts = {}) => open(":memory:", opts),
    async tempDir() {
      const dir = await mkdtemp(join(tmpdir(), "updraft-store-"));
      dirs.push(dir);
      return dir;
    },
    open,
    async cleanup() {
      await Promise.all(stores.splice(0).map((s) => s.close()));
      await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

// The vitest settings every workspace shares (each package's vitest.config.ts re-exports them).
// Packages export their built JavaScript (`dist/`) to the world and their TypeScript sources under
// the `@updraft/source` condition; tests in this repository run the sources, with no build step.
import { defaultClientConditions, defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

/** The export condition that maps `@updraft/*` to `src/` (see each package.json's `exports`). */
export const SOURCE_CONDITION = "@updraft/source";

// Threads, DAG parse children and CLI processes that tests start resolve `@updraft/*` with Node's
// own resolver: they inherit the condition through NODE_OPTIONS (set here, before the test
// workers start, so every process below them sees it).
const flag = `--conditions=${SOURCE_CONDITION}`;
if (!(process.env.NODE_OPTIONS ?? "").split(/\s+/).includes(flag)) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} ${flag}`.trim();
}

export default defineConfig({
  resolve: { conditions: [SOURCE_CONDITION, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions] } },
  test: {
    // As Airflow's own unit-test configuration (dags_are_paused_at_creation = False): the DAGs
    // tests write run without an unpause step. Processes the tests start inherit it; tests of the
    // default set it themselves (the scheduler's dag-processor.test.ts, the CLI's program.test.ts).
    env: { UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION: "false" },
  },
});

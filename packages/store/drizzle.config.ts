// drizzle-kit configuration: `npx drizzle-kit generate` (from this package) writes a new
// migration into ./drizzle after a change to src/schema; `--config packages/store/drizzle.config.ts`
// from the repository root works too. drizzle-kit loads this file (and the schema's `.ts`
// imports) through its bundled tsx.
import { defineConfig } from "drizzle-kit";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
// Relative to the working directory on purpose: drizzle-kit reads earlier snapshots from
// `./${out}/meta/…`, which breaks with an absolute `out`.
const fromCwd = (path: string): string => relative(process.cwd(), join(here, path)) || ".";

export default defineConfig({
  dialect: "sqlite",
  schema: fromCwd("src/schema/index.ts"),
  out: fromCwd("drizzle"),
  strict: true,
  verbose: true,
});

// Printing a list that may be long (a DAG's runs over years) without holding it in memory: rows
// come a page at a time from the store or the REST API, and are written as they come, in the
// formats of output.ts (`table` and `plain` read the pages twice: once for the column widths,
// once to print). Also the REST API's collections as a stream of pages.
import { stringify as toYaml } from "yaml";
import { outputFormat } from "./output.ts";
import type { ApiClient } from "./remote.ts";

export type Row = Record<string, unknown>;

/** Starts a fresh pass over the rows, a page at a time. */
export type PageSource = () => AsyncIterable<Row[]>;

const text = (v: unknown) => (v == null ? "" : v instanceof Date ? v.toISOString() : typeof v === "object" ? JSON.stringify(v) : String(v));

/**
 * Prints every row of `source` in `columns`, in the format `output` names (output.ts's formats,
 * with the same text), holding one page at a time. Returns how many rows it printed.
 * @example await printRowStream(() => runPages(), "json", ["dag_id", "run_id", "state"]);
 */
export async function printRowStream(source: PageSource, output: string | undefined, columns: string[]): Promise<number> {
  const format = outputFormat(output);
  const pick = (r: Row) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null]));
  let n = 0;
  if (format === "json") {
    for await (const page of source()) {
      for (const r of page) {
        const item = JSON.stringify(pick(r), null, 2).split("\n").map((l) => `  ${l}`).join("\n");
        process.stdout.write(`${n++ === 0 ? "[\n" : ",\n"}${item}`);
      }
    }
    process.stdout.write(n === 0 ? "[]\n" : "\n]\n");
    return n;
  }
  if (format === "yaml") {
    // A YAML list is its items one after the other: each page is written as a list of its own.
    for await (const page of source()) {
      if (page.length === 0) continue;
      process.stdout.write(toYaml(page.map(pick), { aliasDuplicateObjects: false }));
      n += page.length;
    }
    if (n === 0) process.stdout.write("[]\n");
    return n;
  }
  const widths = columns.map((c) => c.length);
  for await (const page of source()) {
    for (const r of page) {
      n++;
      columns.forEach((c, i) => (widths[i] = Math.max(widths[i]!, text(r[c]).length)));
    }
  }
  if (n === 0) {
    if (format === "table") console.log("(none)");
    return 0;
  }
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  console.log(line(columns));
  if (format === "table") console.log(widths.map((w) => "-".repeat(w)).join("  "));
  let printed = 0;
  for await (const page of source()) {
    for (const r of page) {
      // Rows added between the passes are left out, so the widths stay true.
      if (printed++ >= n) return n;
      console.log(line(columns.map((c) => text(r[c]))));
    }
  }
  return printed;
}

/** The API's maximum page size (Airflow's `limit`). */
export const API_PAGE_LIMIT = 100;

/**
 * The entries of a REST API collection, a page (`limit`, `offset`) at a time, until the last.
 * @example for await (const runs of apiPages(client, "/api/v1/dags/d/dagRuns?order_by=-execution_date", "dag_runs")) …
 */
export async function* apiPages<T = Row>(client: ApiClient, path: string, key: string, limit = API_PAGE_LIMIT): AsyncGenerator<T[]> {
  const sep = path.includes("?") ? "&" : "?";
  let seen = 0;
  for (let offset = 0; ; offset += limit) {
    const page = await client.request<Record<string, unknown>>("GET", `${path}${sep}limit=${limit}&offset=${offset}`);
    const items = page[key];
    if (!Array.isArray(items)) throw new Error(`GET ${path}: the answer has no "${key}" list`);
    if (items.length) yield items as T[];
    seen += items.length;
    const total = typeof page.total_entries === "number" ? page.total_entries : Number.POSITIVE_INFINITY;
    if (items.length < limit || seen >= total) return;
  }
}

/** Airflow's `isoformat()` of a UTC time: `+00:00`, microseconds only when there are any. */
export function airflowIsoformat(d: Date | string | null | undefined): string {
  if (d == null) return "";
  const date = typeof d === "string" ? new Date(d) : d;
  const [whole, ms] = date.toISOString().replace(/Z$/, "").split(".");
  return `${whole}${ms && ms !== "000" ? `.${ms}000` : ""}+00:00`;
}

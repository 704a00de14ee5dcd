// Printing of a command's data, in the format `-o / --output` names (command-kit.ts declares the
// option and its choices): `table` aligned columns for people (the default), `json` and `yaml` for
// scripts, `plain` as Airflow's: aligned columns with a header and no rule, nothing for no rows.
import { stringify as toYaml } from "yaml";
import { OUTPUT_FORMATS, type OutputFormat } from "../command-kit.ts";
import { UsageError } from "../errors.ts";

/**
 * Checks a format given by code (commander already refuses unknown ones on the command line).
 * @example outputFormat("yaml") // "yaml"
 */
export function outputFormat(value: string | undefined): OutputFormat {
  if (value === undefined) return "table";
  if (!(OUTPUT_FORMATS as readonly string[]).includes(value)) throw new UsageError(`--output: expected one of ${OUTPUT_FORMATS.join(", ")}, got "${value}"`);
  return value as OutputFormat;
}

/** JSON or YAML text of a value, with a final newline. */
function serialized(value: unknown, format: "json" | "yaml"): string {
  if (format === "json") return `${JSON.stringify(value, null, 2)}\n`;
  const text = toYaml(value, { aliasDuplicateObjects: false });
  return text.endsWith("\n") ? text : `${text}\n`;
}

/**
 * Prints rows: a table (or plain columns) of `columns` (default: the first row's keys), or the
 * rows as a JSON / YAML list. Dates print as ISO strings, objects as JSON.
 * @example printTable([{ pool: "default_pool", slots: 128 }], "yaml");
 */
export function printTable(rows: Array<Record<string, unknown>>, output: string | undefined, columns?: string[]): void {
  const format = outputFormat(output);
  if (format === "json" || format === "yaml") {
    process.stdout.write(serialized(rows, format));
    return;
  }
  if (rows.length === 0) {
    if (format === "table") console.log("(none)");
    return;
  }
  const cols = columns ?? Object.keys(rows[0]!);
  const text = (v: unknown) => (v == null ? "" : v instanceof Date ? v.toISOString() : typeof v === "object" ? JSON.stringify(v) : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => text(r[c]).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  console.log(line(cols));
  if (format === "table") console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) console.log(line(cols.map((c) => text(r[c]))));
}

/**
 * Prints one value (an object, not rows): as JSON or YAML, or for `table` and `plain` by the
 * command's own text rendering.
 * @example printData(report, ctx.output, () => printReport(report));
 */
export function printData(value: unknown, output: string | undefined, asText: () => void): void {
  const format = outputFormat(output);
  if (format === "json" || format === "yaml") process.stdout.write(serialized(value, format));
  else asText();
}

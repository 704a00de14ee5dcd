// Printing of lists: an aligned table for people, JSON for scripts (`--output json`).

export function printTable(rows: Array<Record<string, unknown>>, output: string | undefined, columns?: string[]): void {
  if (output === "json") {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (rows.length === 0) {
    console.log("(none)");
    return;
  }
  const cols = columns ?? Object.keys(rows[0]!);
  const text = (v: unknown) => (v == null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => text(r[c]).length)));
  console.log(cols.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd());
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) console.log(cols.map((c, i) => text(r[c]).padEnd(widths[i]!)).join("  ").trimEnd());
}

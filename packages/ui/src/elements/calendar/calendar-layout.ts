// The calendar's geometry and colours as pure functions: a UTC year laid out GitHub-style (weeks
// as columns, Sunday to Saturday as rows, a label over the first week of each month), and the one
// outcome a day's runs are shown as.

/** One day of the year and where it sits. */
export interface CalendarCell {
  date: string;
  /** Column: the week of the year, 0 for the week that holds January 1st. */
  week: number;
  /** Row: 0 Sunday … 6 Saturday. */
  weekday: number;
}

export const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;

/**
 * Every UTC day of `year`, with its week column and weekday row, and the column where each month starts.
 * @example yearLayout(2026).cells[0] // { date: "2026-01-01", week: 0, weekday: 4 }
 */
export function yearLayout(year: number): { cells: CalendarCell[]; weeks: number; months: Array<{ label: string; week: number }> } {
  const start = Date.UTC(year, 0, 1);
  const offset = new Date(start).getUTCDay();
  const cells: CalendarCell[] = [];
  const months: Array<{ label: string; week: number }> = [];
  for (let t = start, i = 0; new Date(t).getUTCFullYear() === year; t += 86_400_000, i++) {
    const d = new Date(t);
    const week = Math.floor((i + offset) / 7);
    if (d.getUTCDate() === 1) months.push({ label: MONTHS[d.getUTCMonth()]!, week: d.getUTCDay() === 0 || week === 0 ? week : week + 1 });
    cells.push({ date: d.toISOString().slice(0, 10), week, weekday: d.getUTCDay() });
  }
  return { cells, weeks: cells.at(-1)!.week + 1, months };
}

/** What a day's cell shows. */
export const OUTCOMES = ["success", "failed", "mixed", "running", "queued", "planned", "none"] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * The outcome of a day from its runs by state and its planned runs: runs still going first, then
 * failures (mixed when some succeeded too), then success; planned when nothing ran yet.
 * @example dayOutcome({ success: 3, failed: 1 }, 0) // "mixed"
 */
export function dayOutcome(counts: Record<string, number>, planned: number): Outcome {
  const n = (s: string) => counts[s] ?? 0;
  if (n("running") > 0) return "running";
  if (n("failed") > 0) return n("success") > 0 ? "mixed" : "failed";
  if (n("success") > 0) return "success";
  if (n("queued") > 0) return "queued";
  return planned > 0 ? "planned" : "none";
}

/** Moves a focus through the layout as the arrow keys read it: left/right a week, up/down a day. */
export function moveFocus(index: number, key: string, days: number): number | null {
  const step: Record<string, number> = { ArrowLeft: -7, ArrowRight: 7, ArrowUp: -1, ArrowDown: 1 };
  if (key === "Home") return 0;
  if (key === "End") return days - 1;
  const s = step[key];
  if (s === undefined) return null;
  return Math.min(days - 1, Math.max(0, index + s));
}

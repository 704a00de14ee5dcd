// Conversions between instants and the wall-clock time of an IANA time zone, with the rules
// Airflow applies around DST changes. A "wall-clock" value is a Date whose UTC fields hold the
// local fields (a naive datetime, in Python's terms), so cron arithmetic can run on it in UTC.

const HOUR_MS = 3_600_000;
/** Further than any UTC offset (±14h), so the offsets at w ± this bracket at most one transition. */
const BRACKET_MS = 26 * HOUR_MS;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone, hourCycle: "h23",
      year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * True when `timeZone` is an IANA zone name this runtime knows.
 * @example isValidTimeZone("Europe/Amsterdam") // true
 */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The local time at `instant` in `timeZone`, as a wall-clock Date (its UTC fields are the local fields).
 * @example toWallClock(new Date("2024-07-01T00:00:00Z"), "Europe/Amsterdam").toISOString() // "2024-07-01T02:00:00.000Z"
 */
export function toWallClock(instant: Date, timeZone: string): Date {
  if (timeZone === "UTC") return new Date(instant.getTime());
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(instant)) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  const local = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return new Date(local + instant.getUTCMilliseconds());
}

/** UTC offset in ms of `timeZone` at `instantMs`. */
function offsetAt(instantMs: number, timeZone: string): number {
  return toWallClock(new Date(instantMs), timeZone).getTime() - instantMs;
}

/**
 * The instant at which the wall clock of `timeZone` shows `wallClock`, resolved as Airflow's
 * `make_aware` does (it sets `fold=1` before localising):
 * - a time that occurs twice (clocks go back) is the second occurrence;
 * - a time that never occurs (clocks go forward) is moved forward by the gap, so 02:30 on a
 *   spring-forward day in Europe/Amsterdam becomes 03:30 CEST.
 * @example fromWallClock(new Date("2024-10-27T02:00:00Z"), "Europe/Amsterdam").toISOString() // "2024-10-27T01:00:00.000Z"
 */
export function fromWallClock(wallClock: Date, timeZone: string): Date {
  const w = wallClock.getTime();
  if (timeZone === "UTC") return new Date(w);
  const before = offsetAt(w - BRACKET_MS, timeZone);
  const after = offsetAt(w + BRACKET_MS, timeZone);
  const valid = [...new Set([before, after])].filter((o) => offsetAt(w - o, timeZone) === o).map((o) => w - o);
  // In a gap no offset fits: read the time with the offset in force before the change.
  if (valid.length === 0) return new Date(w - before);
  return new Date(Math.max(...valid));
}

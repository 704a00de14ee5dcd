// A DAG's schedule in words, as Airflow 3 shows it beside the expression: "@daily" → "Every day
// at 00:00", "*/15 * * * *" → "Every 15 minutes", "every 1h30m" → "Every 1h 30m". Expressions it
// does not know how to say come back as they are.

const PRESETS: Record<string, string> = {
  "@once": "Once",
  "@continuous": "Continuously",
  "@hourly": "Every hour",
  "@daily": "Every day at 00:00",
  "@midnight": "Every day at 00:00",
  "@weekly": "Every Sunday at 00:00",
  "@monthly": "On day 1 of every month at 00:00",
  "@quarterly": "On day 1 of every quarter at 00:00",
  "@yearly": "Every year on 1 January at 00:00",
  "@annually": "Every year on 1 January at 00:00",
};

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const DAY_NAMES: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const UNITS: Record<string, [string, string]> = { d: ["day", "days"], h: ["hour", "hours"], m: ["minute", "minutes"], s: ["second", "seconds"], ms: ["millisecond", "milliseconds"] };

const pad = (n: string) => n.padStart(2, "0");
const isNum = (s: string) => /^\d+$/.test(s);

function dayNumber(s: string): number | null {
  if (isNum(s)) return Number(s) % 7;
  const n = DAY_NAMES[s.toLowerCase().slice(0, 3)];
  return n === undefined ? null : n;
}

/** "Monday", "Monday to Friday", "Monday, Wednesday and Friday"; null when it cannot be said. */
function daysOfWeek(field: string): string | null {
  const parts = field.split(",");
  const names: string[] = [];
  for (const p of parts) {
    const range = p.split("-");
    if (range.length === 2) {
      const [a, b] = range.map(dayNumber);
      if (a == null || b == null) return null;
      names.push(`${DAYS[a]} to ${DAYS[b === 0 && a > 0 ? 7 : b]}`);
    } else {
      const d = dayNumber(p);
      if (d == null) return null;
      names.push(DAYS[d]!);
    }
  }
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/** "every 1h30m" → "Every 1 hour 30 minutes". */
function describeInterval(text: string): string | null {
  const parts = [...text.matchAll(/(\d+)(ms|d|h|m|s)/g)];
  if (!parts.length || parts.map((p) => p[0]).join("") !== text) return null;
  return `Every ${parts.map(([, n, u]) => (n === "1" ? `1 ${UNITS[u!]![0]}` : `${n} ${UNITS[u!]![1]}`)).join(" ")}`.replace(/^Every 1 (\w+)$/, "Every $1");
}

/** A five-field cron expression in words, or null when it is not one of the common shapes. */
function describeCron(expr: string): string | null {
  const f = expr.trim().split(/\s+/);
  if (f.length !== 5) return null;
  const [min, hour, dom, mon, dow] = f as [string, string, string, string, string];
  const step = (s: string) => /^\*\/(\d+)$/.exec(s)?.[1] ?? null;
  if (mon !== "*") return null;
  const days = dow === "*" ? null : daysOfWeek(dow);
  if (dow !== "*" && !days) return null;
  if (dom !== "*" && !isNum(dom)) return null;
  const on = dom !== "*" ? ` on day ${dom} of the month` : days ? ` on ${days}` : "";
  // Minutes: every N minutes, or every minute.
  if (hour === "*" && dom === "*" && dow === "*") {
    if (min === "*") return "Every minute";
    const m = step(min);
    if (m) return `Every ${m} minutes`;
    if (isNum(min)) return `Every hour at :${pad(min)}`;
    return null;
  }
  if (!isNum(min)) return null;
  const h = step(hour);
  if (h) return `Every ${h} hours at :${pad(min)}${on}`;
  if (hour === "*") return `Every hour at :${pad(min)}${on}`;
  const hours = hour.split(",");
  if (!hours.every(isNum)) return null;
  const times = hours.map((x) => `${pad(x)}:${pad(min)}`);
  const at = times.length === 1 ? times[0]! : `${times.slice(0, -1).join(", ")} and ${times.at(-1)}`;
  if (dom !== "*") return `On day ${dom} of every month at ${at}`;
  if (days) return `Every ${days} at ${at}`;
  return `Every day at ${at}`;
}

/**
 * The schedule in words; `null` and "None" are "Manual only".
 * @example describeSchedule("0 6 * * 1-5") // "Every Monday to Friday at 06:00"
 */
export function describeSchedule(schedule: string | null | undefined): string {
  if (!schedule || schedule === "None") return "Manual only";
  const s = schedule.trim();
  const preset = PRESETS[s];
  if (preset) return preset;
  if (s.startsWith("every ")) return describeInterval(s.slice(6)) ?? s;
  return describeCron(s) ?? s;
}

/** Whether the DAG runs on a schedule at all. */
export function isScheduled(schedule: string | null | undefined): boolean {
  return !!schedule && schedule !== "None";
}

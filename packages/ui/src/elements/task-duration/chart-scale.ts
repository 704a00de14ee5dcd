// Axis arithmetic for the duration chart: "nice" ticks for a span of seconds (1 s, 5 s, 1 min,
// 15 min, 1 h … steps, so labels read as durations) and which x labels fit.

const STEPS = [
  0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200,
  10800, 21600, 43200, 86400, 172800, 604800,
];

/**
 * Ticks from 0 to at least `max` seconds, about `count` of them, on a step a person reads as a duration.
 * @example durationTicks(170) // [0, 60, 120, 180]
 */
export function durationTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const step = STEPS.find((s) => max / s <= count) ?? Math.ceil(max / count / 86400) * 86400;
  const top = Math.ceil(max / step - 1e-9) * step;
  const out: number[] = [];
  for (let t = 0; t <= top + step / 1e6; t += step) out.push(Number(t.toFixed(3)));
  return out;
}

/** Every how many runs an x label fits, given the plot's width and a label's width in pixels. */
export function labelEvery(runs: number, width: number, labelPx = 72): number {
  if (runs <= 0 || width <= 0) return 1;
  return Math.max(1, Math.ceil((runs * labelPx) / width));
}

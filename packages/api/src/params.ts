// The parsers of query, path and body parameters that the routes share, so that every route reads
// a date, a number or a boolean by the same rules (and answers a 400 naming the value it refuses).
import { z } from "@hono/zod-openapi";
import { toUtcIso } from "@updraft/sdk";

/**
 * An ISO 8601 date or date-time, as a Date; UTC unless it carries an offset. A `+` left unencoded in
 * a query string arrives as a space, so a space before an offset is read as `+`, as Airflow does.
 */
export const isoDateTime = z.string().transform((text, ctx) => {
  const repaired = text.trim().replace(/^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$/, "$1+$2");
  try {
    return new Date(toUtcIso(repaired, "date-time"));
  } catch {
    ctx.addIssue({ code: "custom", message: `"${text}" is not an ISO 8601 date-time like 2026-01-31T12:00:00+00:00` });
    return z.NEVER;
  }
});

/** An integer parameter (its text, checked and converted). */
export const integerParam = z.string().regex(/^-?\d{1,15}$/, "expected an integer").transform(Number);

/** A number parameter: an integer or a decimal. */
export const numberParam = z.string().transform((s, ctx) => {
  const n = Number(s);
  if (s.trim() === "" || !Number.isFinite(n)) {
    ctx.addIssue({ code: "custom", message: `"${s}" is not a number` });
    return z.NEVER;
  }
  return n;
});

/** A boolean parameter, as Airflow's clients spell it. */
export const booleanParam = z.enum(["true", "false", "True", "False", "1", "0"]).transform((v) => v === "true" || v === "True" || v === "1");

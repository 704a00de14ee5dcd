// Airflow's collection parameters: `limit` (default 100, at most 100), `offset`, and `order_by`
// (a field name, `-` in front for descending), checked against the fields a route allows.
import { z } from "@hono/zod-openapi";
import { asc, desc, type AnyColumn, type SQL } from "drizzle-orm";
import { badRequest } from "./problem.ts";

export const MAX_PAGE_LIMIT = 100;

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(100).openapi({ description: "The numbers of items to return." }),
  offset: z.coerce.number().int().min(0).default(0).openapi({ description: "The number of items to skip before starting to collect the result set." }),
  order_by: z.string().optional().openapi({ description: "The name of the field to order the results by. Prefix a field name with `-` to reverse the sort order." }),
};

/** The ORDER BY for `order_by`, or a 400 naming the allowed fields. */
export function orderBy(orderBy: string | undefined, columns: Record<string, AnyColumn>, fallback: string): SQL[] {
  const text = orderBy ?? fallback;
  const field = text.replace(/^-/, "");
  // Object.hasOwn: `constructor`, `__proto__` or `toString` must not find the prototype's members.
  const column = Object.hasOwn(columns, field) ? columns[field] : undefined;
  if (!column) throw badRequest(`order_by: "${field}" is not a field to order by; use one of ${Object.keys(columns).join(", ")}`);
  return [text.startsWith("-") ? desc(column) : asc(column)];
}

/** ISO timestamps as Airflow writes them (with an explicit offset). */
export function iso(d: Date | null | undefined): string | null {
  return d ? d.toISOString().replace(/Z$/, "+00:00") : null;
}

// A daily ETL: extract rows, clean each one in its own mapped task instance, load the cleaned
// rows in one reducer, then announce it with a shell command. Run it with
//   updraft dags test daily_sales --conf '{"region": "us"}'
import { dag, task, shell, chain, param } from "@updraft/sdk";

interface Sale {
  id: number;
  region: string;
  amount: number;
}

// Stands in for an API call: deterministic rows for a day and region.
function fetchSales(ds: string, region: string): Sale[] {
  const seed = Number(ds.replace(/-/g, "")) % 97;
  return Array.from({ length: 5 }, (_, i) => ({ id: i + 1, region, amount: ((seed + i * 13) % 50) + 0.5 }));
}

export default dag(
  {
    id: "daily_sales",
    schedule: "@daily",
    startDate: "2026-01-01",
    catchup: false,
    // New DAGs start paused (Airflow's default); the examples run as soon as `npm start` finds them.
    isPausedUponCreation: false,
    maxActiveRuns: 1,
    dagrunTimeout: "1h",
    defaultArgs: { retries: 2, retryDelay: "30s", retryExponentialBackoff: true },
    params: {
      region: param("eu", { enum: ["eu", "us", "apac"], valuesDisplay: { eu: "Europe", us: "United States", apac: "Asia-Pacific" }, description: "Which region's sales to load." }),
    },
    tags: ["etl", "example"],
    description: "Extract a day of sales, clean each row, load the totals.",
  },
  () => {
    const extract = task("extract", (ctx) => {
      const rows = fetchSales(ctx.ds, String(ctx.params.region));
      ctx.log.info(`extracted ${rows.length} rows for ${ctx.ds}`);
      return rows;
    });
    const clean = task({ id: "clean", retries: 0 }, (_ctx, row: Sale) => ({ ...row, amount: Math.round(row.amount * 100) / 100 }));
    const load = task("load", (ctx, rows: Sale[]) => {
      const total = rows.reduce((sum, r) => sum + r.amount, 0);
      ctx.xcom.push("row_count", rows.length);
      ctx.log.info(`loaded ${rows.length} rows, total ${total.toFixed(2)}`);
      return Math.round(total * 100) / 100;
    });
    const loaded = load(clean.expand(extract()));
    const notify = shell("notify", { command: 'echo "loaded {{ xcom("load", "row_count") }} rows ({{ xcom("load") }}) for {{ ds }} in {{ params.region }}"' });
    chain(loaded, notify);
  },
);

// Dynamic fan-out with ctx.submit (Dask's `client.submit` from inside a task): the planning task
// decides at run time how many shards to score, starts one child task per shard, waits for them
// all and sums their scores. Each child is a task instance of the run (`score_shard` [0..n-1])
// recorded with `plan_and_score` as its parent, retried by its own options, and shown like any
// task; while the parent waits it holds no worker slot, so the children run even on one thread.
// Run it with
//   updraft dags test dynamic_fanout --conf '{"shards": 20}'
import { dag, task, param } from "@updraft/sdk";

interface Plan {
  shards: number;
  total: number;
}

// Declared before dag() and not called in its body: not a task of the DAG itself, but a
// definition its tasks can submit.
const scoreShard = task({ id: "score_shard", retries: 2, retryDelay: "1s" }, (ctx, shard: number, rows: number) => {
  // Stands in for real work: a deterministic score for the shard's rows.
  let score = 0;
  for (let i = 0; i < rows; i++) score += Math.abs(Math.sin(shard * rows + i));
  ctx.log.info(`shard ${shard}: ${rows} rows, score ${score.toFixed(2)}`);
  return Math.round(score * 100) / 100;
});

export default dag(
  {
    id: "dynamic_fanout",
    schedule: "@daily",
    startDate: "2026-01-01",
    isPausedUponCreation: false,
    params: {
      shards: param(8, { type: "integer", minimum: 1, maximum: 64, description: "How many child tasks to start." }),
      rows_per_shard: param(1_000, { type: "integer", minimum: 1, description: "Rows each child scores." }),
    },
    tags: ["example", "dynamic"],
    description: "A task that starts one child task per shard with ctx.submit and sums their results.",
  },
  () => {
    const plan = task("plan_and_score", async (ctx): Promise<Plan> => {
      const shards = Number(ctx.params.shards);
      const rows = Number(ctx.params.rows_per_shard);
      ctx.log.info(`scoring ${shards} shards of ${rows} rows`);
      const scores = await Promise.all(Array.from({ length: shards }, (_, shard) => ctx.submit(scoreShard, shard, rows)));
      return { shards, total: Math.round(scores.reduce((sum, s) => sum + s, 0) * 100) / 100 };
    });
    const report = task("report", (ctx, result: Plan) => {
      const line = `${result.shards} shards scored ${result.total} in total for ${ctx.ds}`;
      ctx.log.info(line);
      return line;
    });
    report(plan());
  },
);

// A sensor in reschedule mode: it frees its worker slot between pokes (state up_for_reschedule)
// while it waits for a file that another task writes a few seconds later.
import { existsSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dag, task, sensor, chain } from "@updraft/sdk";

const marker = (runId: string) => join(tmpdir(), `updraft-example-${runId.replace(/[^A-Za-z0-9]/g, "_")}.ready`);

export default dag(
  { id: "file_sensor", schedule: "@hourly", startDate: "2026-01-01", isPausedUponCreation: false, tags: ["example"], description: "Wait for a file, then read it." },
  () => {
    const produce = task("produce", (ctx) => {
      // Writes the file a little later, as an upstream system would.
      setTimeout(() => writeFileSync(marker(ctx.runId), `data for ${ctx.ds}\n`), 3_000);
    });
    const waited = sensor<string>("wait_for_file", { pokeInterval: "1s", timeout: "2m", mode: "reschedule" }, (ctx) => {
      const path = marker(ctx.runId);
      return existsSync(path) ? { done: true, value: path } : false;
    });
    const consume = task("consume", (ctx, path: string) => {
      const text = readFileSync(path, "utf8").trim();
      rmSync(path, { force: true });
      ctx.log.info(`read: ${text}`);
      return text;
    });
    chain(produce(), waited);
    consume(waited);
  },
);

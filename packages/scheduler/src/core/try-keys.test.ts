// Each dispatch of a try gets a key of its own, so that no two hand-outs, by this scheduler or a
// restarted one, can be confused: a reschedule sensor's pokes share a try number, not a key.
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { schedulerLease } from "@updraft/store";
import { testEngines } from "../testing/engine.ts";

const engines = testEngines();
afterEach(() => engines.cleanup());

describe("try keys", { timeout: 60_000 }, () => {
  it("are unique per dispatch: a reschedule sensor's two pokes of try 1 have two keys", async () => {
    const e = await engines.open();
    const counter = join(e.dir, "pokes.txt");
    await e.writeDag("keys.ts", `import { appendFileSync, readFileSync } from "node:fs";
import { dag, sensor } from "@updraft/sdk";
export default dag({ id: "keys" }, () => {
  sensor("wait", { pokeInterval: "1s", timeout: "1m", mode: "reschedule" }, () => {
    appendFileSync(${JSON.stringify(counter)}, "poke\\n");
    return readFileSync(${JSON.stringify(counter)}, "utf8").split("\\n").filter(Boolean).length >= 2;
  });
});
`);
    await e.parseOk();
    const started: string[] = [];
    e.executor.onEvent((x) => { if (x.type === "started") started.push(x.key); });
    await e.start();
    const { runId } = await e.scheduler.triggerRun("keys");
    expect(await e.waitForRunEnd("keys", runId)).toBe("success");
    expect(started).toHaveLength(2);
    for (const key of started) expect(key.startsWith(`keys/${runId}/wait/-1/1#`)).toBe(true);
    expect(new Set(started).size).toBe(2);
  });

  it("carry the lease epoch they were dispatched under, which a scheduler taking the database over raises", async () => {
    const e = await engines.open();
    await e.writeDag("k.ts", `import { dag, task } from "@updraft/sdk";\nexport default dag({ id: "k" }, () => { task("t", () => 1)(); });\n`);
    await e.parseOk();
    const started: string[] = [];
    e.executor.onEvent((x) => { if (x.type === "started") started.push(x.key); });
    await e.start();
    const { runId } = await e.scheduler.triggerRun("k");
    expect(await e.waitForRunEnd("k", runId)).toBe("success");
    const [lease] = await e.store.db.select().from(schedulerLease);
    expect(started).toEqual([`k/${runId}/t/-1/1#e${lease!.epoch}.1`]);
  });
});

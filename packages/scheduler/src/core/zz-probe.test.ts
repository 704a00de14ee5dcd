import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, it } from "vitest";
import { eq } from "drizzle-orm";
import { dag } from "@updraft/store";
import { dagFile, isRunEvent, testEngines } from "../testing/engine.ts";
const engines = testEngines();
afterEach(() => engines.cleanup());
it("probe", { timeout: 300_000 }, async () => {
  const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;
  const out: string[] = [];
  for (let i = 0; i < 10; i++) {
    const e = await engines.open({ scheduler: { sweepMs: 100 } });
    await e.writeDag("d.ts", dagFile(`export default dag({ id: "p", schedule: "@daily", startDate: "${new Date(today - 2 * 86_400_000).toISOString()}", catchup: false }, () => { task("t", () => 1)(); });`));
    await e.parseOk();
    await e.store.write((tx) => tx.update(dag).set({ isPaused: true }).where(eq(dag.dagId, "p")));
    await e.start();
    await sleep(300);
    await e.store.write((tx) => tx.update(dag).set({ isPaused: false }).where(eq(dag.dagId, "p")));
    for (let j = 0; j < 30 && !e.scheduler.fatalError && !e.events.some((x) => isRunEvent(x) && x.state === "success"); j++) await sleep(100);
    out.push(`${i}: fatal=${e.scheduler.fatalError ? String(e.scheduler.fatalError).slice(0, 60) : "none"} runEvents=${e.events.filter(isRunEvent).map((x) => x.state).join(",")}`);
    await engines.cleanup();
  }
  console.log(out.join("\n"));
});

// plannedNextRuns over a real :memory: store: the interval after the latest scheduled run, the
// first one from the start date, and nothing for a DAG without a schedule or with a stored cursor.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dag, dagRun, dagVersion, migrateStore, openStore, type Store } from "@updraft/store";
import { dag as defineDag, task, type ScheduleParser } from "@updraft/sdk";
import { parseSchedule } from "@updraft/scheduler";
import { plannedNextRuns } from "./next-run.ts";

let store: Store;
const parse: ScheduleParser = (raw, where) => parseSchedule(raw, where);
const serialized = (id: string, schedule: string | null, startDate?: string) =>
  defineDag({ id, schedule, ...(startDate ? { startDate } : {}), catchup: true }, () => void task("t", () => 1)()).serialize(parse);

beforeAll(async () => {
  store = await openStore({ url: ":memory:" });
  await migrateStore(store);
  await store.write(async (tx) => {
    const row = (dagId: string, extra: Partial<typeof dag.$inferInsert> = {}) => ({ dagId, fileloc: `/d/${dagId}.ts`, versionHash: "h", ...extra });
    await tx.insert(dag).values([row("hourly"), row("fresh"), row("early"), row("manual"), row("cursor", { nextDagrun: new Date("2030-01-01T00:00:00Z") })]);
    await tx.insert(dagVersion).values([
      { dagId: "hourly", versionHash: "h", serialized: serialized("hourly", "0 * * * *", "2026-01-01"), source: "", fileloc: "/d/hourly.ts", createdAt: new Date() },
      { dagId: "fresh", versionHash: "h", serialized: serialized("fresh", "@daily", "2026-03-01"), source: "", fileloc: "/d/fresh.ts", createdAt: new Date() },
      { dagId: "early", versionHash: "h", serialized: serialized("early", "@daily", "2026-01-01"), source: "", fileloc: "/d/early.ts", createdAt: new Date() },
      { dagId: "manual", versionHash: "h", serialized: serialized("manual", null), source: "", fileloc: "/d/manual.ts", createdAt: new Date() },
      { dagId: "cursor", versionHash: "h", serialized: serialized("cursor", "@daily", "2026-01-01"), source: "", fileloc: "/d/cursor.ts", createdAt: new Date() },
    ]);
    await tx.insert(dagRun).values([
      { dagId: "hourly", runId: "scheduled__a", runType: "scheduled", state: "success", logicalDate: new Date("2026-02-01T10:00:00Z"), dataIntervalStart: new Date("2026-02-01T10:00:00Z"), dataIntervalEnd: new Date("2026-02-01T11:00:00Z") },
      { dagId: "hourly", runId: "manual__b", runType: "manual", state: "success", logicalDate: new Date("2026-02-01T12:30:00Z"), dataIntervalStart: new Date("2026-02-01T12:30:00Z"), dataIntervalEnd: new Date("2026-02-01T12:30:00Z") },
    ]);
  });
});
afterAll(() => store?.close());

describe("plannedNextRuns", () => {
  it("plans the interval after the latest scheduled run (manual runs do not move it), and the first one from the start date", async () => {
    const now = new Date("2026-02-01T11:30:00Z");
    const next = await plannedNextRuns(store, ["hourly", "fresh", "early", "manual", "cursor"], now);
    expect(next.get("hourly")).toEqual({ start: new Date("2026-02-01T11:00:00Z"), end: new Date("2026-02-01T12:00:00Z") });
    expect(next.get("fresh")).toEqual({ start: new Date("2026-03-01T00:00:00Z"), end: new Date("2026-03-02T00:00:00Z") });
    // Another DAG's runs never count: "early" has none, so it starts from its start date.
    expect(next.get("early")).toEqual({ start: new Date("2026-01-01T00:00:00Z"), end: new Date("2026-01-02T00:00:00Z") });
    expect(next.has("manual")).toBe(false);
    expect(next.has("cursor")).toBe(false);
  });
});

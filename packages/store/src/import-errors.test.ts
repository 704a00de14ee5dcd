// Tests of import errors and the event log: one row per failing file, replaced and cleared;
// events appended with optional fields.
import { afterEach, describe, expect, it } from "vitest";
import { recordEvent } from "./event-log.ts";
import { clearImportError, listImportErrors, replaceImportError } from "./import-errors.ts";
import { eventLog } from "./schema/monitoring.ts";
import { testStores } from "./test-support.ts";

const t = testStores();
afterEach(() => t.cleanup());

describe("import errors", () => {
  it("keeps one error per file, replacing it on the next failure", async () => {
    const store = await t.memory();
    const first = new Date("2026-01-01T00:00:00Z");
    const second = new Date("2026-01-01T00:05:00Z");
    await replaceImportError(store, "dags/b.ts", "SyntaxError: b", first);
    await replaceImportError(store, "dags/a.ts", "SyntaxError: a", first);
    await replaceImportError(store, "dags/a.ts", "TypeError: a again", second);
    const errors = await listImportErrors(store);
    expect(errors.map((e) => [e.filename, e.stackTrace, e.timestamp])).toEqual([
      ["dags/a.ts", "TypeError: a again", second],
      ["dags/b.ts", "SyntaxError: b", first],
    ]);
  });

  it("clears the error of a file that loads again", async () => {
    const store = await t.memory();
    await replaceImportError(store, "dags/a.ts", "boom");
    expect(await clearImportError(store, "dags/a.ts")).toBe(true);
    expect(await clearImportError(store, "dags/a.ts")).toBe(false);
    expect(await listImportErrors(store)).toEqual([]);
  });
});

describe("recordEvent", () => {
  it("appends events with what is known about them", async () => {
    const store = await t.memory();
    const at = new Date("2026-03-01T12:00:00Z");
    const a = await recordEvent(store, { event: "trigger", dagId: "daily_sales", owner: "ci", extra: { conf: { x: 1 } }, dttm: at });
    const b = await recordEvent(store, { event: "cli_db_migrate" });
    expect(b).toBeGreaterThan(a);
    const rows = await store.db.select().from(eventLog).orderBy(eventLog.id);
    expect(rows[0]).toEqual({
      id: a, dttm: at, event: "trigger", dagId: "daily_sales", taskId: null, mapIndex: null, runId: null,
      tryNumber: null, owner: "ci", extra: '{"conf":{"x":1}}',
    });
    expect(rows[1]?.dttm).toBeInstanceOf(Date);
  });
});

// The group-commit writer: a batch that fails to commit stops the writer, and nothing waiting on
// it (or queued behind it) is acted on.
import { afterEach, describe, expect, it } from "vitest";
import { testEngines } from "../testing/engine.ts";
import { GroupCommitWriter } from "./group-commit.ts";

const engines = testEngines();
afterEach(() => engines.cleanup());

describe("GroupCommitWriter", { timeout: 60_000 }, () => {
  it("writes nothing more after a failed commit, and acts on nothing queued behind it", async () => {
    const e = await engines.open();
    const errors: unknown[] = [];
    const writer = new GroupCommitWriter(e.store, { onError: (err) => errors.push(err) });
    let acted = false;
    // A row that breaks a foreign key (no such run) makes the transaction fail.
    writer.write({ kind: "sql", statement: { sql: "INSERT INTO task_instance (dag_id, run_id, task_id, map_index, updated_at) VALUES ('x', 'nope', 't', -1, 0)", args: [] } });
    writer.afterCommit(() => (acted = true));
    await writer.idle();
    writer.write({ kind: "sql", statement: { sql: "UPDATE dag_run SET note = 'after' WHERE 1 = 0", args: [] } });
    writer.afterCommit(() => (acted = true));
    await writer.idle();
    expect(errors).toHaveLength(1);
    expect(acted).toBe(false);
    expect(writer.stats.batches).toBe(0);
  });
});

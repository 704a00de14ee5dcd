// Requests to parse a file soon: an unchanged file is loaded again at the next pass when it was
// requested (through the store, as another process asks) or at once with reparse(); requests for
// files of another folder are left alone.
import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { dag, dagPriorityParsingRequest } from "@updraft/store";
import { dagFile, testEngines } from "../testing/engine.ts";
import { requestParse } from "./parse-requests.ts";

const engines = testEngines();
afterEach(() => engines.cleanup());

// A DAG whose description is made at load time: each load gives a new one.
const loadStamped = dagFile(`
export default dag({ id: "stamped", description: "loaded " + process.hrtime.bigint() + " " + Math.random() }, () => {
  task("only", () => 1)();
});`);

describe("parse requests", { timeout: 120_000 }, () => {
  it("loads an unchanged file again at the next pass once requested, and only once", async () => {
    const e = await engines.open();
    await e.writeDag("stamped.ts", loadStamped);
    const file = `${e.dagsFolder}/stamped.ts`;
    await e.parseOk();
    const description = async () => (await e.store.db.select({ d: dag.description }).from(dag).where(eq(dag.dagId, "stamped")))[0]?.d;
    const first = await description();

    expect((await e.parse())[0]?.loaded).toBe(false);
    expect(await description()).toBe(first);

    await requestParse(e.store, file);
    await requestParse(e.store, file);
    await requestParse(e.store, "/elsewhere/other.ts");
    const [again] = await e.parse();
    expect(again).toMatchObject({ file, loaded: true, error: null });
    const second = await description();
    expect(second).not.toBe(first);
    const left = await e.store.db.select().from(dagPriorityParsingRequest);
    expect(left.map((r) => r.fileloc)).toEqual(["/elsewhere/other.ts"]);

    expect((await e.parse())[0]?.loaded).toBe(false);
    expect(await description()).toBe(second);
  });

  it("reparse() loads a file again at once", async () => {
    const e = await engines.open();
    await e.writeDag("stamped.ts", loadStamped);
    await e.parseOk();
    const r = await e.processor.reparse(`${e.dagsFolder}/stamped.ts`);
    expect(r).toMatchObject({ loaded: true, dagIds: ["stamped"], error: null });
  });
});

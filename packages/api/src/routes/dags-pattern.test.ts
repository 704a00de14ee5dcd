// GET /api/v1/dags?dag_id_pattern=: a substring of the id, ignoring case; `_`, `%` and `\` in the
// pattern match themselves (the LIKE carries an ESCAPE clause), on the real app and store.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createToken, dag, migrateStore, openStore, type Store } from "@updraft/store";
import { createApiApp } from "../app.ts";
import type { ApiApp } from "../types.ts";

let store: Store;
let app: ApiApp;
let token = "";

const IDS = ["sales_eu", "salesXeu", "load_100%", "load_1000", "back\\slash", "backXslash", "Finance_Daily"];

beforeEach(async () => {
  store = await openStore({ url: ":memory:" });
  await migrateStore(store);
  await store.write((tx) => tx.insert(dag).values(IDS.map((dagId) => ({ dagId, fileloc: `${dagId}.ts` }))));
  token = (await createToken(store, { name: "r", scope: "read" })).token;
  app = createApiApp({ store, home: "/nonexistent", version: "test", trigger: () => Promise.reject(new Error("no triggers")) });
});

afterEach(async () => {
  await store.close();
});

async function matching(pattern: string): Promise<string[]> {
  const res = await app.request(`/api/v1/dags?only_active=false&dag_id_pattern=${encodeURIComponent(pattern)}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { dags: Array<{ dag_id: string }>; total_entries: number };
  expect(body.total_entries).toBe(body.dags.length);
  return body.dags.map((d) => d.dag_id).sort();
}

describe("dag_id_pattern", () => {
  it("matches `_`, `%` and `\\` literally", async () => {
    expect(await matching("s_e")).toEqual(["sales_eu"]);
    expect(await matching("100%")).toEqual(["load_100%"]);
    expect(await matching("%")).toEqual(["load_100%"]);
    expect(await matching("_")).toEqual(["Finance_Daily", "load_100%", "load_1000", "sales_eu"]);
    expect(await matching("k\\s")).toEqual(["back\\slash"]);
  });

  it("matches a substring ignoring case, as Airflow's ilike", async () => {
    expect(await matching("finance_d")).toEqual(["Finance_Daily"]);
    expect(await matching("sales")).toEqual(["salesXeu", "sales_eu"]);
    expect(await matching("nothing")).toEqual([]);
  });
});

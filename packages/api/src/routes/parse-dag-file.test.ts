// PUT /parseDagFile/{file_token}: a DAG's signed token leaves a parse request for the DAG
// processor (or asks the in-process one); forged tokens, files of hidden DAGs and small scopes do not.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dagPriorityParsingRequest } from "@updraft/store";
import { makeExtrasFixture, type ExtrasFixture } from "./extras.fixture.ts";

let f: ExtrasFixture;
beforeEach(async () => {
  f = await makeExtrasFixture();
});
afterEach(() => f.close());

const tokenOf = async (dagId: string) => (await f.call("GET", `/api/v1/dags/${dagId}`, f.tokens.read)).body.file_token as string;
const requests = async () => (await f.store.db.select().from(dagPriorityParsingRequest)).map((r) => r.fileloc);

describe("PUT /api/v1/parseDagFile/{file_token}", () => {
  it("leaves one request row for the DAG's file (asking twice is one request)", async () => {
    const token = await tokenOf("finance");
    const r = await f.call("PUT", `/api/v1/parseDagFile/${token}`, f.tokens.edit);
    expect(r.status).toBe(201);
    expect(r.text).toBe("");
    await f.call("PUT", `/api/v1/parseDagFile/${token}`, f.tokens.edit);
    expect(await requests()).toEqual(["/dags/finance.ts"]);
  });

  it("asks the DAG processor of this process directly when there is one", async () => {
    const asked: string[] = [];
    const app = f.appWith({ requestParse: (file) => void asked.push(file) });
    const res = await app.request(`/api/v1/parseDagFile/${await tokenOf("sales_daily")}`, { method: "PUT", headers: { authorization: `Bearer ${f.tokens.admin}` } });
    expect(res.status).toBe(201);
    expect(asked).toEqual(["/dags/sales.ts"]);
    expect(await requests()).toEqual([]);
  });

  it("answers 404 to a forged token and to a hidden DAG's file, 403 below edit, 401 without credentials", async () => {
    const finance = await tokenOf("finance");
    const forged = `${Buffer.from("/etc/passwd").toString("base64url")}.${finance.split(".")[1]}`;
    expect((await f.call("PUT", `/api/v1/parseDagFile/${forged}`, f.tokens.edit)).status).toBe(404);
    expect((await f.call("PUT", "/api/v1/parseDagFile/garbage", f.tokens.edit)).status).toBe(404);
    expect((await f.call("PUT", `/api/v1/parseDagFile/${finance}`, f.tokens.portal)).status).toBe(404);
    expect((await f.call("PUT", `/api/v1/parseDagFile/${await tokenOf("sales_daily")}`, f.tokens.portal)).status).toBe(201);
    expect((await f.call("PUT", `/api/v1/parseDagFile/${finance}`, f.tokens.trigger)).status).toBe(403);
    expect((await f.call("PUT", `/api/v1/parseDagFile/${finance}`, null)).status).toBe(401);
    expect(await requests()).toEqual(["/dags/sales.ts"]);
  });
});

// Updraft's routes for remote workers, over the Hono app: bundle downloads by content hash (a
// bundle the real DAG processor stored in a libSQL file), and the live event stream's worker
// events (a real RemoteExecutor, a worker over an in-process link).
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { RemoteExecutor } from "@updraft/executor";
import { DagProcessor } from "@updraft/scheduler";
import { createToken, dagVersion, migrateStore, openStore, type Store, type TokenScope } from "@updraft/store";
import { PROTOCOL_VERSION } from "@updraft/worker";
import { createApiApp } from "../app.ts";
import type { ApiApp } from "../types.ts";
import { assignment, mapHost } from "../testing/socket-worker.ts";

const DAG = `import { dag, task } from "@updraft/sdk";
const helper = (n: number) => n * 3;
export default dag({ id: "bundled" }, () => { task("triple", () => helper(14))(); });
`;

let dir: string;
let store: Store;
let app: ApiApp;
let hash: string;
let executor: RemoteExecutor;
const tokens = {} as Record<TokenScope, string>;
/** A read token restricted to the DAG "bundled". */
let portal: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "updraft-worker-routes-"));
  const dagsFolder = join(dir, "dags");
  await mkdir(dagsFolder, { recursive: true });
  await writeFile(join(dagsFolder, "bundled.ts"), DAG);
  store = await openStore({ url: `file:${join(dir, "updraft.db")}` });
  await migrateStore(store);
  const results = await new DagProcessor({ store, dagsFolder, home: join(dir, "home") }).processAll();
  if (results.some((r) => r.error)) throw new Error(results.map((r) => r.error).join("\n"));
  const [version] = await store.db.select({ hash: dagVersion.bundleHash }).from(dagVersion).where(eq(dagVersion.dagId, "bundled"));
  hash = version!.hash!;
  for (const scope of ["read", "worker", "admin"] as const) tokens[scope] = (await createToken(store, { name: scope, scope })).token;
  portal = (await createToken(store, { name: "portal", scope: "read", dags: ["bundled"] })).token;
  executor = new RemoteExecutor({ host: mapHost() });
  await executor.start();
  app = createApiApp({
    store, home: dir, version: "test", trigger: () => Promise.reject(new Error("no triggers here")),
    events: { subscribe: () => () => undefined }, workers: executor,
  });
}, 60_000);

afterAll(async () => {
  await executor?.stop({ graceful: false });
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const get = (path: string, token: string, headers: Record<string, string> = {}) => app.request(path, { headers: { authorization: `Bearer ${token}`, ...headers } });

describe("GET /api/updraft/bundles/{hash}", () => {
  it("serves the bundle's code by hash to a worker token, immutable, with the hash as a strong ETag", async () => {
    const res = await get(`/api/updraft/bundles/${hash}`, tokens.worker);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(res.headers.get("etag")).toBe(`"${hash}"`);
    expect(res.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
    const code = await res.text();
    expect(code).toContain("helper");
    expect(code).toContain("@updraft/sdk");
  });

  it("answers 304 to If-None-Match with the hash, and serves admins too", async () => {
    const res = await get(`/api/updraft/bundles/${hash}`, tokens.admin, { "if-none-match": `"${hash}"` });
    expect(res.status).toBe(304);
    expect(await res.text()).toBe("");
    expect((await get(`/api/updraft/bundles/${hash}`, tokens.admin, { "if-none-match": '"other"' })).status).toBe(200);
  });

  it("refuses a read token (403) and answers an unknown hash with a 404 problem", async () => {
    expect((await get(`/api/updraft/bundles/${hash}`, tokens.read)).status).toBe(403);
    const missing = await get("/api/updraft/bundles/0000", tokens.worker);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ status: 404, detail: expect.stringContaining("no bundle with hash '0000'") });
  });

  it("is described in /openapi.json with the workers list", async () => {
    const doc = (await (await get("/openapi.json", tokens.read)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/updraft/bundles/{hash}", "/api/updraft/workers"]));
  });
});

describe("GET /api/updraft/events: worker events", () => {
  it("streams a worker's join and loss to a client without filters, and none to a client following a run", async () => {
    const all = await get("/api/updraft/events", tokens.read);
    const run = await get("/api/updraft/events?dag_id=bundled&run_id=r1", tokens.read);
    const reader = all.body!.getReader();
    const session = executor.connect({ send: () => undefined, close: () => undefined }, { address: "10.1.2.3" });
    session.receive(JSON.stringify({ v: PROTOCOL_VERSION, type: "hello", workerId: "w-sse", name: "sse-worker", hostname: "h", pid: 7, version: "test", queues: ["default"], capacity: 2, running: [], draining: false }));
    session.receive(JSON.stringify({ v: PROTOCOL_VERSION, type: "draining" }));
    let text = "";
    const decoder = new TextDecoder();
    while (!text.includes('"event":"draining"')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    await reader.cancel();
    const events = text.split("\n\n").filter((b) => b.startsWith("event: worker")).map((b) => JSON.parse(b.slice(b.indexOf("data: ") + 6)));
    expect(events.map((e) => e.event)).toEqual(["joined", "draining"]);
    expect(events[0]).toMatchObject({ type: "worker", worker: { worker_id: "w-sse", name: "sse-worker", address: "10.1.2.3", capacity: 2, state: "online" } });
    expect(events[1].worker.state).toBe("draining");
    const runReader = run.body!.getReader();
    const first = await Promise.race([runReader.read(), new Promise((r) => setTimeout(() => r("nothing"), 100))]);
    expect(first).toBe("nothing");
    await runReader.cancel();
  });
});

describe("workers seen by a DAG-restricted token", () => {
  it("lists the workers without the tries of other DAGs, in the workers list and in worker events", async () => {
    const events = await get("/api/updraft/events", portal);
    const session = executor.connect({ send: () => undefined, close: () => undefined }, { address: "10.1.2.4" });
    session.receive(JSON.stringify({ v: PROTOCOL_VERSION, type: "hello", workerId: "w-portal", name: "portal-worker", hostname: "h", pid: 8, version: "test", queues: ["portal"], capacity: 4, running: [], draining: false }));
    executor.submit(assignment("mine", { dagId: "bundled", queue: "portal" }));
    executor.submit(assignment("theirs", { dagId: "secret_dag", queue: "portal" }));
    const triesOf = async (token: string) => {
      const body = (await (await get("/api/updraft/workers", token)).json()) as { workers: Array<{ worker_id: string; tries: Array<{ dag_id: string }> }> };
      return body.workers.find((w) => w.worker_id === "w-portal")!.tries.map((t) => t.dag_id).sort();
    };
    expect(await triesOf(tokens.read)).toEqual(["bundled", "secret_dag"]);
    expect(await triesOf(portal)).toEqual(["bundled"]);

    session.receive(JSON.stringify({ v: PROTOCOL_VERSION, type: "draining" }));
    const reader = events.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes('"event":"draining"')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    await reader.cancel();
    const draining = text.split("\n\n").filter((b) => b.includes('"event":"draining"')).map((b) => JSON.parse(b.slice(b.indexOf("data: ") + 6)))[0];
    expect(draining.worker.worker_id).toBe("w-portal");
    expect(draining.worker.tries.map((t: { dag_id: string }) => t.dag_id)).toEqual(["bundled"]);
    expect(text).not.toContain("secret_dag");
  });
});

// The API under hostile input: at least 10,000 requests generated with fast-check against one
// real `updraft standalone` — random and real paths, methods, headers, bodies (deep nesting, large
// sizes, broken JSON, prototype keys), ids and query values (prototype names, patterns, huge
// numbers), with the credentials of every scope and without. Nothing a client sends may answer
// 5xx; meanwhile /api/v1/health keeps answering and the server's memory stays bounded.
//
// FUZZ_RUNS (batches of 8 concurrent requests; default 1,250) and FUZZ_SEED reproduce a run: a
// failure prints the seed and the request that answered 5xx.
import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { DAGS, SCOPES, startServer } from "./server.ts";

// The configuration exposed, so that its routes reach their handlers.
const server = await startServer({ env: { UPDRAFT_EXPOSE_CONFIG: "true" } });
afterAll(async () => {
  await server.stop();
});

const BATCH = 8;
const RUNS = Number(process.env.FUZZ_RUNS ?? 1_250);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2_147_483_647);
/** How long one answer may take before the suite calls it a hang (far beyond any real answer). */
const ANSWER_TIMEOUT_MS = 30_000;

// ---- what the server has: routes from its OpenAPI document, real ids ----

const openapi = await fetch(`${server.baseUrl}/openapi.json`, { headers: { authorization: `Bearer ${server.tokens.admin}` } }).then((r) => r.json()) as { paths: Record<string, Record<string, unknown>> };
const TEMPLATES = Object.keys(openapi.paths);
const fileTokens = await fetch(`${server.baseUrl}/api/v1/dags?only_active=false`, { headers: { authorization: `Bearer ${server.tokens.admin}` } })
  .then((r) => r.json() as Promise<{ dags?: Array<{ file_token: string }> }>).then((b) => (b.dags ?? []).map((d) => d.file_token));
const runs = await fetch(`${server.baseUrl}/api/v1/dags/~/dagRuns?limit=20`, { headers: { authorization: `Bearer ${server.tokens.admin}` } }).then((r) => r.json()) as { dag_runs?: Array<{ dag_run_id: string }> };
const REAL_IDS = [
  ...Object.values(DAGS), "~", "default_pool", "double", "collect", "boom", "after", "hello", "return_value", "note", "1", "0", "-1",
  ...(runs.dag_runs ?? []).map((r) => r.dag_run_id),
];
const PROTO = ["__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "__defineGetter__", "isPrototypeOf"];
const HOSTILE_TEXT = [
  "..", "../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f", "%00", "\u0000", "%", "%%", "%ff", "_", "a_b", "a%b", "\\", "*", "?", "#",
  "' OR 1=1 --", "\"; DROP TABLE dag; --", "${7*7}", "{{ 7*7 }}", "<script>alert(1)</script>", "💥", "\u202e", "\ud800", "null", "undefined", "NaN",
  "Infinity", "-0", "1e309", "9007199254740993", "-9999999999999999999", "0x10", " ", "true", "[]", "{}", "a,b,c", ",,,", "2026-02-30T25:61:61Z",
];

/** encodeURIComponent, but a lone surrogate (which it refuses) is sent as its raw UTF-8 bytes. */
const enc = (text: string) => {
  try {
    return encodeURIComponent(text);
  } catch {
    return text.replace(/[\ud800-\udfff]/g, "%ED%A0%80").replace(/[^%\w.~-]/g, (ch) => encodeURIComponent(ch));
  }
};

const idArb = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...REAL_IDS) },
  { weight: 2, arbitrary: fc.constantFrom(...PROTO, ...HOSTILE_TEXT) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: -(2 ** 40), max: 2 ** 40 }).map(String) },
  { weight: 1, arbitrary: fc.integer({ min: 250, max: 6_000 }).map((n) => "x".repeat(n)) },
);

/** Ids that exist, by path parameter: a route called with them reaches its handler's deeper code. */
const REAL_BY_PARAM: Record<string, string[]> = {
  dag_id: [...Object.values(DAGS)],
  dag_run_id: (runs.dag_runs ?? []).map((r) => r.dag_run_id).concat("~"),
  task_id: ["double", "collect", "boom", "after", "hello", "noop"],
  pool_name: ["default_pool"],
  map_index: ["0", "1", "-1"],
  task_try_number: ["1", "2"],
  xcom_key: ["return_value", "note"],
  // The routes of issue 10 item 7: real file tokens, roles, config sections and options.
  file_token: fileTokens,
  role_name: ["Viewer", "User", "Op", "Admin", "Worker"],
  section: ["core", "webserver", "database"],
  option: ["executor", "dags_folder", "secret_key", "sql_alchemy_conn"],
};
const realPathArb = fc.tuple(fc.constantFrom(...TEMPLATES), fc.nat()).map(([template, n]) =>
  template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const ids = REAL_BY_PARAM[name] ?? REAL_IDS;
    return enc(ids[n % ids.length] ?? "x");
  }));

/** A path: a real route with real or generated ids, a route with a piece changed, or noise. */
const pathArb = fc.oneof(
  { weight: 6, arbitrary: realPathArb },
  {
    weight: 8,
    arbitrary: fc.tuple(fc.constantFrom(...TEMPLATES), fc.array(idArb, { minLength: 6, maxLength: 6 })).map(([template, ids]) => {
      let i = 0;
      return template.replace(/\{[^}]+\}/g, () => enc(ids[i++ % ids.length]!));
    }),
  },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...TEMPLATES), fc.constantFrom("/", "//", "/..", "/%2e%2e", "/x", ".json", "%00", "/~")).map(([t, tail]) => t.replace(/\{[^}]+\}/g, "x") + tail) },
  { weight: 1, arbitrary: fc.array(fc.oneof(fc.constantFrom("api", "v1", "updraft", "ui", "dags", "dagRuns", "..", "%2e%2e", "events", "metrics"), idArb.map(enc)), { maxLength: 7 }).map((parts) => `/${parts.join("/")}`) },
);

const QUERY_KEYS = [
  "limit", "offset", "order_by", "dag_id_pattern", "tags", "only_active", "paused", "state", "execution_date_gte", "execution_date_lte", "start_date_gte",
  "end_date_lte", "updated_at_gte", "full_content", "map_index", "token", "update_mask", "dag_ids", "run_id", "dag_id", "task_id", "key", "fields", "pool",
  "queue", "duration_gte", "search", "runs", "before", "version_id", "event", "owner", "included_events", "excluded_events", "xcom_key", "deserialize",
];
const queryValueArb = fc.oneof(
  fc.constantFrom(...REAL_IDS),
  fc.constantFrom(...PROTO, ...HOSTILE_TEXT, "-" + "constructor", "-dag_id", "dag_id", "true", "false", "1", "100", "0", "-5", "2026-01-01T00:00:00Z"),
  fc.string({ maxLength: 30 }),
  fc.integer().map(String),
  fc.double().map(String),
  fc.integer({ min: 100, max: 1_500 }).map((n) => "%_".repeat(n)),
);
const queryArb = fc.array(fc.tuple(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...QUERY_KEYS) }, { weight: 1, arbitrary: fc.constantFrom(...PROTO) }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) }), queryValueArb), { maxLength: 6 })
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join("&")}` : ""));

const methodArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("GET", "POST", "PATCH", "DELETE") },
  { weight: 1, arbitrary: fc.constantFrom("PUT", "HEAD", "OPTIONS", "PROPFIND", "get", "Post") },
);

const authArb = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom(...SCOPES).map((s) => `Bearer ${server.tokens[s]}`) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "", "Bearer", "Bearer ", "Bearer updr_not-a-real-token", `Bearer ${server.tokens.admin}x`, `bearer ${server.tokens.read}`, "Basic", "Basic !!!",
      `Basic ${Buffer.from("admin:admin").toString("base64")}`, `Basic ${Buffer.from(":").toString("base64")}`, `Basic ${Buffer.from("a".repeat(5_000)).toString("base64")}`,
      "Digest x", `Bearer ${"A".repeat(8_000)}`,
    ),
  },
  { weight: 1, arbitrary: fc.constant(null) },
);

/** A JSON value nested `depth` levels deep, as arrays or objects. */
const deepJson = (depth: number, kind: "array" | "object" | "mixed") => {
  let text = "1";
  for (let i = 0; i < depth; i++) text = kind === "array" || (kind === "mixed" && i % 2) ? `[${text}]` : `{"a":${text}}`;
  return text;
};

const jsonValueArb = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 2, arbitrary: fc.record({ conf: fc.jsonValue({ maxDepth: 3 }), dag_run_id: idArb, logical_date: fc.oneof(fc.constantFrom(...HOSTILE_TEXT), fc.date({ noInvalidDate: true }).map((d) => d.toISOString())), note: fc.string() }, { requiredKeys: [] }) },
  { weight: 2, arbitrary: fc.record({ key: idArb, value: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 2 })), description: fc.option(fc.string()) }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.record({ is_paused: fc.oneof(fc.boolean(), fc.string()), slots: fc.oneof(fc.integer(), fc.double()), name: idArb, connection_id: idArb, conn_type: fc.string(), port: fc.oneof(fc.integer(), fc.string()), dry_run: fc.boolean(), task_ids: fc.array(idArb, { maxLength: 3 }), state: fc.constantFrom("success", "failed", "queued", "bogus", "__proto__"), dag_ids: fc.array(idArb, { maxLength: 3 }) }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...PROTO, "conf", "key", "value"), fc.jsonValue({ maxDepth: 2 })) },
);

const bodyArb: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(null) },
  { weight: 6, arbitrary: jsonValueArb.map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.constantFrom('{"__proto__": {"admin": true}}', '{"constructor": {"prototype": {"x": 1}}}', '{"conf": {"__proto__": null}}') },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.integer({ min: 50, max: 20_000 }), fc.constantFrom("array", "object", "mixed") as fc.Arbitrary<"array" | "object" | "mixed">, fc.constantFrom("conf", "bare", "field"))
      .map(([d, k, shape]) => (shape === "conf" ? `{"conf": ${deepJson(d, k)}}` : shape === "bare" ? deepJson(d, k) : `{"key": "k", "value": "v", "description": ${deepJson(d, k)}}`)),
  },
  { weight: 1, arbitrary: fc.constantFrom("{", "[", "}", "{\"a\":", "nul", "\"unterminated", "{\"a\":1,}", "\u0000", "{\"a\":\"\\ud800\"}", "1".repeat(400), "[".repeat(100_000)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  // Sizes around and far past the 1 MiB limit, rarely (each costs the wire time).
  { weight: 1, arbitrary: fc.constantFrom(64 * 1024, 1024 * 1024 - 200, 1024 * 1024 + 1, 3 * 1024 * 1024).map((n) => JSON.stringify({ key: "big", value: "v".repeat(n), conf: {} })) },
);

const contentTypeArb = fc.constantFrom(
  "application/json", "application/json", "application/json; charset=utf-8", "application/merge-patch+json", "text/plain", "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x", "application/json; charset=utf-16", "", "*/*", "application/xml",
);

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | null;
}

/** The routes that take a body, by method: a third of the requests call one as a client would, with a hostile body. */
const WRITES = Object.entries(openapi.paths).flatMap(([template, ops]) => Object.keys(ops).filter((m) => ["post", "patch", "put"].includes(m)).map((m) => ({ method: m.toUpperCase(), template })));
const writeArb = fc.record({
  route: fc.constantFrom(...WRITES),
  n: fc.nat(),
  scope: fc.constantFrom("trigger", "edit", "admin") as fc.Arbitrary<"trigger" | "edit" | "admin">,
  body: bodyArb.filter((b) => b !== null),
  contentType: fc.constantFrom("application/json", "application/json", "application/json; charset=utf-8", "text/plain"),
}).map(({ route, n, scope, body, contentType }) => ({
  method: route.method,
  path: route.template.replace(/\{([^}]+)\}/g, (_, name: string) => enc((REAL_BY_PARAM[name] ?? REAL_IDS)[n % (REAL_BY_PARAM[name] ?? REAL_IDS).length] ?? "x")),
  headers: { authorization: `Bearer ${server.tokens[scope]}`, "content-type": contentType, accept: "application/json" },
  body,
}));

const anyRequestArb: fc.Arbitrary<FuzzRequest> = fc.record({
  method: methodArb,
  path: pathArb,
  query: queryArb,
  auth: authArb,
  body: bodyArb,
  contentType: contentTypeArb,
  accept: fc.constantFrom("application/json", "*/*", "text/plain", "text/event-stream", "text/html", "application/xml", ""),
  encoding: fc.constantFrom("gzip, deflate, br", "identity", "", "x"),
  extra: fc.dictionary(
    fc.constantFrom("cookie", "x-csrf-token", "origin", "x-forwarded-proto", "if-none-match", "range", "x-forwarded-for"),
    fc.oneof(fc.constantFrom("updraft_session=x; updraft_csrf=y", `updraft_session=${"a".repeat(43)}`, "https", "*", "bytes=0-10", "\"etag\"", "null"), fc.string({ maxLength: 50 }).map((s) => s.replace(/[^\x20-\x7e]/g, "_"))),
  ),
}).map((r) => {
  const headers: Record<string, string> = { ...r.extra };
  if (r.auth) headers.authorization = r.auth;
  if (r.accept) headers.accept = r.accept;
  if (r.encoding) headers["accept-encoding"] = r.encoding;
  // fetch sends no body with GET or HEAD.
  const body = ["GET", "HEAD"].includes(r.method.toUpperCase()) ? null : r.body;
  if (body !== null && r.contentType) headers["content-type"] = r.contentType;
  return { method: r.method, path: r.path + r.query, headers, body };
});

const requestArb: fc.Arbitrary<FuzzRequest> = fc.oneof({ weight: 2, arbitrary: anyRequestArb }, { weight: 1, arbitrary: writeArb });

// ---- sending, and watching the server ----

interface Answer {
  status: number;
  ms: number;
  detail: string;
}

const statuses = new Map<number, number>();
let sent = 0;

async function send(r: FuzzRequest): Promise<Answer> {
  const started = performance.now();
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), ANSWER_TIMEOUT_MS);
  try {
    const res = await fetch(server.baseUrl + r.path, { method: r.method, headers: r.headers, body: r.body, signal: ac.signal, redirect: "manual" });
    let text = "";
    // A stream (the live events) is never read to its end; a 5xx's body says why.
    if (/event-stream/.test(res.headers.get("content-type") ?? "")) await res.body?.cancel();
    else text = await res.text();
    sent++;
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    return { status: res.status, ms: performance.now() - started, detail: text.slice(0, 300) };
  } catch (err) {
    sent++;
    // No answer at all (a reset or a hang) is as bad as a 5xx.
    const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
    return { status: 599, ms: performance.now() - started, detail: `no answer: ${(err as Error).message}${cause ? ` (${cause.code ?? ""} ${cause.message ?? ""})` : ""}` };
  } finally {
    clearTimeout(timer);
  }
}

/** The size of a request's head: its request line and headers. */
const headBytes = (r: FuzzRequest) => r.method.length + r.path.length + 12 + Object.entries(r.headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 0);

/** The server's processes (the launcher and the Node it re-runs), found by their UPDRAFT_HOME. */
function serverPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, "latin1").split("\0").includes(`UPDRAFT_HOME=${server.home}`)) pids.push(Number(entry));
    } catch {
      // gone, or not ours
    }
  }
  return pids;
}

function rssMb(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      kb = Math.max(kb, Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0));
    } catch {
      // gone
    }
  }
  return Math.round(kb / 1024);
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? 0;

describe("fuzz: hostile requests against a real server", () => {
  it(`answers ${RUNS * BATCH} generated requests without a 5xx, health answering and memory bounded (seed ${SEED})`, async () => {
    const pids = serverPids();
    expect(pids.length, "the server's processes").toBeGreaterThan(0);
    const rssBefore = rssMb(pids);
    const rss: number[] = [rssBefore];
    const health: number[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const t = performance.now();
        const ok = await fetch(`${server.baseUrl}/api/v1/health`, { signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS) }).then((r) => r.ok, () => false);
        health.push(ok ? performance.now() - t : Infinity);
        rss.push(rssMb(pids));
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();

    const started = performance.now();
    const slow: Array<{ ms: number; req: string }> = [];
    let failure: string | null = null;
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(requestArb, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
          const answers = await Promise.all(batch.map(send));
          answers.forEach((a, i) => {
            if (a.ms > 2_000) slow.push({ ms: Math.round(a.ms), req: `${batch[i]!.method} ${batch[i]!.path.slice(0, 200)}` });
          });
          // Node's HTTP parser answers 431 to a head over its 16 KiB and closes the connection
          // at once: a client still sending a body then sees a reset instead of the 431.
          const bad = answers.findIndex((a, i) => a.status >= 500 && !(a.status === 599 && headBytes(batch[i]!) > 16 * 1024));
          if (bad >= 0) {
            const r = batch[bad]!;
            const others = batch.map((o, i) => `  ${answers[i]!.status} ${o.method} ${o.path.slice(0, 120)} [${o.path.length} chars] ${o.headers["content-type"] ?? ""} body ${o.body?.length ?? "none"}`).join("\n");
            failure = `${r.method} ${r.path.slice(0, 300)} (headers ${JSON.stringify(r.headers).slice(0, 300)}; body ${r.body === null ? "none" : `${r.body.length} chars: ${r.body.slice(0, 200)}`}) answered ${answers[bad]!.status}: ${answers[bad]!.detail}\nthe batch:\n${others}`;
            throw new Error(failure);
          }
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    } catch (err) {
      // fast-check's report repeats every generated value (some are megabytes): say it shortly.
      throw new Error(`${failure ?? (err as Error).message.slice(0, 2_000)}\n(seed ${SEED}; replay with FUZZ_SEED=${SEED})\nserver log (end):\n${server.log().slice(-3_000)}`);
    } finally {
      watching = false;
      await watcher;
    }
    const seconds = (performance.now() - started) / 1000;
    const finite = health.filter(Number.isFinite);
    const figures = {
      seed: SEED, requests: sent, seconds: Math.round(seconds), perSecond: Math.round(sent / seconds),
      statuses: Object.fromEntries([...statuses].sort(([a], [b]) => a - b)),
      healthMs: { samples: health.length, p50: Math.round(quantile(finite, 0.5)), p99: Math.round(quantile(finite, 0.99)), max: Math.round(Math.max(...health)) },
      rssMb: { before: rssBefore, max: Math.max(...rss), after: rssMb(pids) },
      slowest: slow.sort((a, b) => b.ms - a.ms).slice(0, 5),
    };
    console.log(`fuzz figures: ${JSON.stringify(figures, null, 2)}`);

    expect(sent).toBeGreaterThanOrEqual(RUNS * BATCH);
    // Health answered every time, and within a bound far above its usual milliseconds.
    expect(health.every(Number.isFinite), "health always answered").toBe(true);
    expect(Math.max(...health), "health's slowest answer (ms)").toBeLessThan(5_000);
    // Memory: no request may make the server hold what it was sent.
    expect(Math.max(...rss), "the server's largest RSS (MB)").toBeLessThan(rssBefore + 768);
    // The server is still whole: it lists its DAGs.
    const dags = await fetch(`${server.baseUrl}/api/v1/dags?only_active=false`, { headers: { authorization: `Bearer ${server.tokens.read}` } });
    expect(dags.status).toBe(200);
  }, 240_000);
});

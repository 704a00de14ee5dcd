// Tests of database URL parsing: the kinds of database, local paths, and errors that name the URL.
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { StoreOpenError } from "./errors.ts";
import { parseStoreUrl, redactUrl } from "./store-url.ts";

describe("parseStoreUrl", () => {
  it.each([
    [":memory:", { kind: "memory" }],
    ["file::memory:", { kind: "memory" }],
    ["file:.updraft/updraft.db", { kind: "file", path: resolve(".updraft/updraft.db") }],
    ["file:/var/lib/updraft/db.sqlite", { kind: "file", path: "/var/lib/updraft/db.sqlite" }],
    ["file:///var/lib/updraft/db.sqlite", { kind: "file", path: "/var/lib/updraft/db.sqlite" }],
    ["file:/tmp/with%20space.db?mode=rwc", { kind: "file", path: "/tmp/with space.db" }],
    ["libsql://my-db.turso.io", { kind: "remote", scheme: "libsql" }],
    ["https://db.example.com:8080", { kind: "remote", scheme: "https" }],
    ["WS://127.0.0.1:8080", { kind: "remote", scheme: "ws" }],
  ])("reads %s", (url, expected) => {
    expect(parseStoreUrl(url)).toEqual(expected);
  });

  it.each([
    ["updraft.db", /no URL scheme/],
    ["postgres://localhost/updraft", /unsupported scheme "postgres:"/],
    ["file://server/share/db.sqlite", /malformed file URL/],
    ["file:", /names no path/],
    ["libsql://", /no host/],
  ])("rejects %s with an error naming the URL", (url, reason) => {
    const err = (() => {
      try {
        parseStoreUrl(url);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(StoreOpenError);
    expect((err as StoreOpenError).message).toContain(`"${url}"`);
    expect((err as StoreOpenError).message).toMatch(reason);
  });
});

describe("redactUrl", () => {
  it("hides credentials and auth tokens", () => {
    expect(redactUrl("libsql://db.turso.io?authToken=abc.def&tls=1")).toBe("libsql://db.turso.io?authToken=***&tls=1");
    expect(redactUrl("https://user:pw@db.example.com/x")).toBe("https://***@db.example.com/x");
    expect(redactUrl("file:.updraft/updraft.db")).toBe("file:.updraft/updraft.db");
  });
});

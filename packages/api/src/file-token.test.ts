// File tokens: signed paths that round-trip, and forged, altered or foreign tokens that do not.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileTokens, fileTokenKey } from "./file-token.ts";

describe("file tokens", () => {
  const tokens = new FileTokens("test-secret");

  it("round-trips a path, with any characters in it", () => {
    for (const path of ["/dags/etl.ts", "/tmp/a b/ü.ts", "C:\\dags\\x.ts"]) expect(tokens.verify(tokens.sign(path))).toBe(path);
    expect(tokens.sign("/dags/etl.ts")).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it("refuses an unsigned path, an altered path, another key's token and garbage", () => {
    const good = tokens.sign("/dags/etl.ts");
    const [, mac] = good.split(".");
    expect(tokens.verify(Buffer.from("/etc/passwd").toString("base64url"))).toBeNull();
    expect(tokens.verify(`${Buffer.from("/etc/passwd").toString("base64url")}.${mac}`)).toBeNull();
    expect(tokens.verify(new FileTokens("other").sign("/dags/etl.ts"))).toBeNull();
    for (const junk of ["", ".", "a.", ".b", "a.b.c!", "%%%.x", `${good}x`]) expect(tokens.verify(junk), junk).toBeNull();
  });

  it("takes the key from UPDRAFT_SECRET_KEY, else from <home>/secret_key, made once", async () => {
    const home = await mkdtemp(join(tmpdir(), "updraft-file-token-"));
    try {
      expect(fileTokenKey(home, { UPDRAFT_SECRET_KEY: "from-env" })).toBe("from-env");
      const made = fileTokenKey(join(home, "h"), {});
      expect(made.length).toBeGreaterThan(20);
      expect((await readFile(join(home, "h", "secret_key"), "utf8")).trim()).toBe(made);
      expect(fileTokenKey(join(home, "h"), {})).toBe(made);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeLogToken, encodeLogToken, readLogChunk, streamLog, wantsText } from "./task-log-reader.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "updraft-log-reader-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("readLogChunk", () => {
  it("reads everything when there is no limit, and nothing past the end", async () => {
    const path = join(dir, "all.log");
    await writeFile(path, "one\ntwo\n");
    expect(await readLogChunk(path, 0, null)).toEqual({ content: "one\ntwo\n", pos: 8, atEnd: true });
    expect(await readLogChunk(path, 8, 100)).toEqual({ content: "", pos: 8, atEnd: true });
    expect(await readLogChunk(path, 99, 100)).toEqual({ content: "", pos: 8, atEnd: true });
  });

  it("ends a chunk on a whole line, and the next chunk goes on from there", async () => {
    const path = join(dir, "lines.log");
    await writeFile(path, "first line\nsecond line\nthird\n");
    const a = await readLogChunk(path, 0, 15);
    expect(a).toEqual({ content: "first line\n", pos: 11, atEnd: false });
    const b = await readLogChunk(path, a.pos, 15);
    expect(b).toEqual({ content: "second line\n", pos: 23, atEnd: false });
    expect(await readLogChunk(path, b.pos, 15)).toEqual({ content: "third\n", pos: 29, atEnd: true });
  });

  it("never splits a UTF-8 character when a line is longer than the chunk", async () => {
    const path = join(dir, "utf8.log");
    await writeFile(path, "ééééé"); // 10 bytes, no newline
    const a = await readLogChunk(path, 0, 5);
    expect(a).toEqual({ content: "éé", pos: 4, atEnd: false });
    expect((await readLogChunk(path, a.pos, 100)).content).toBe("ééé");
    expect(await readLogChunk(path, 0, 4)).toEqual({ content: "éé", pos: 4, atEnd: false });
    expect(await readLogChunk(path, 0, 3)).toEqual({ content: "é", pos: 2, atEnd: false });
  });

  it("reads a log that does not exist yet as empty", async () => {
    expect(await readLogChunk(join(dir, "missing.log"), 0, 10)).toEqual({ content: "", pos: 0, atEnd: true });
    expect(await streamLog(join(dir, "missing.log"), 0)).toBe("");
  });

  it("streams the rest of a log from a position", async () => {
    const path = join(dir, "stream.log");
    await writeFile(path, "0123456789");
    const body = await streamLog(path, 4);
    expect(await new Response(body).text()).toBe("456789");
  });
});

describe("continuation tokens", () => {
  it("round-trips, and refuses what it did not make", () => {
    const token = encodeLogToken({ log_pos: 42, end_of_log: true });
    expect(decodeLogToken(token)).toEqual({ log_pos: 42, end_of_log: true });
    for (const bad of ["garbage", encodeLogToken({ log_pos: -1, end_of_log: false }), Buffer.from("null").toString("base64url"), Buffer.from('{"log_pos":"3"}').toString("base64url")]) {
      expect(decodeLogToken(bad)).toBeNull();
    }
  });
});

describe("wantsText", () => {
  const cases: Array<[string | undefined, boolean]> = [
    [undefined, false],
    ["*/*", false],
    ["application/json", false],
    ["text/plain", true],
    ["text/*", true],
    ["text/plain, application/json", true],
    ["application/json, text/plain", false],
    ["application/json;q=0.5, text/plain", true],
    ["text/plain;q=0.2, application/json;q=0.9", false],
    ["text/plain;q=0", false],
  ];
  it.each(cases)("Accept %j → text/plain: %s", (accept, expected) => {
    expect(wantsText(accept)).toBe(expected);
  });
});

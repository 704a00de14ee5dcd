import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadBuiltUiAssets } from "./built-assets.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "updraft-ui-built-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the published UI's built modules", () => {
  it("serves every file under dist/ui by its path, chunks as immutable", async () => {
    await mkdir(join(dir, "elements"));
    await mkdir(join(dir, "chunks"));
    await writeFile(join(dir, "updraft.js"), "export {};");
    await writeFile(join(dir, "elements", "grid.js"), "import './../chunks/lit-AB12.js';");
    await writeFile(join(dir, "chunks", "lit-AB12.js"), "export const x = 1;");
    const assets = await loadBuiltUiAssets(dir);
    expect([...assets.keys()].sort()).toEqual(["chunks/lit-AB12.js", "elements/grid.js", "updraft.js"]);
    expect(assets.get("updraft.js")).toMatchObject({ type: "text/javascript; charset=utf-8", immutable: false });
    expect(assets.get("chunks/lit-AB12.js")?.immutable).toBe(true);
    expect(new TextDecoder().decode(assets.get("updraft.js")!.body)).toBe("export {};");
  });

  it("names the folder when the build is missing or incomplete", async () => {
    await expect(loadBuiltUiAssets(join(dir, "nowhere"))).rejects.toThrow(`the built UI is missing at ${join(dir, "nowhere")}`);
    await expect(loadBuiltUiAssets(dir)).rejects.toThrow(`${dir} holds no updraft.js`);
  });
});

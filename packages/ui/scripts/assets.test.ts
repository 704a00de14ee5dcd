import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ELEMENT_NAMES } from "../src/updraft.ts";
import { buildUiAssets, staticClosure } from "./assets.ts";

const assets = await buildUiAssets();
const text = (path: string) => new TextDecoder().decode(assets.get(path)!.body);

describe("the built UI", () => {
  it("has a module per element and an autoloader that imports none of them statically", () => {
    for (const name of ELEMENT_NAMES) expect(assets.has(`elements/${name}.js`), name).toBe(true);
    const loaded = [...staticClosure(assets, "updraft.js")];
    expect(loaded.filter((p) => p.startsWith("elements/"))).toEqual([]);
    const gz = loaded.reduce((n, p) => n + gzipSync(assets.get(p)!.body).length, 0);
    expect(gz).toBeLessThan(4 * 1024); // the loader alone; each element's weight is bench:ui's to report
  });

  it("writes each element's static chunks into the autoloader, and they are that element's whole closure", () => {
    const manifest = JSON.parse(JSON.parse(/"(\{\\"[^]*?\})"/.exec(text("updraft.js"))![0])) as Record<string, string[]>;
    expect(Object.keys(manifest).sort()).toEqual([...ELEMENT_NAMES].sort());
    for (const name of ELEMENT_NAMES) {
      const closure = [...staticClosure(assets, `elements/${name}.js`)].filter((p) => p !== `elements/${name}.js`).sort();
      expect(manifest[name], name).toEqual(closure);
      for (const chunk of manifest[name]!) expect(assets.has(chunk), chunk).toBe(true);
    }
  });

  it("finds static imports and leaves dynamic ones out: the grid's module does not pull the graph layout", () => {
    const grid = [...staticClosure(assets, "elements/grid.js")];
    expect(grid.length).toBeGreaterThan(1);
    for (const p of grid) expect(text(p)).not.toMatch(/dagre/i);
  });
});

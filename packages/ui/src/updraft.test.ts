import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ELEMENT_NAMES } from "./updraft.ts";

const ELEMENTS = join(import.meta.dirname, "elements");

describe("the autoloader's element list", () => {
  it("names every element folder with a module of its own, and each module defines updraft-<name>", () => {
    const folders = readdirSync(ELEMENTS).filter((n) => existsSync(join(ELEMENTS, n, `${n}.ts`))).sort();
    expect([...ELEMENT_NAMES].sort()).toEqual(folders);
    for (const name of folders) {
      expect(readFileSync(join(ELEMENTS, name, `${name}.ts`), "utf8"), name).toContain(`"updraft-${name}"`);
    }
  });
});

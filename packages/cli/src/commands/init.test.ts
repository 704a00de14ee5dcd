import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { initProject, initSummary, packageName, PROJECT_SCRIPTS } from "./init.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "updraft-init-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const readJson = async (file: string) => JSON.parse(await readFile(join(dir, file), "utf8")) as Record<string, any>;

describe("updraft init", () => {
  it("writes package.json, tsconfig.json, dags/example.ts and .gitignore into an empty folder", async () => {
    const reports = await initProject(dir);
    expect(reports.map((r) => [r.file, r.action])).toEqual([
      ["package.json", "wrote"], ["tsconfig.json", "wrote"], [join("dags", "example.ts"), "wrote"], [".gitignore", "wrote"],
    ]);
    const pkg = await readJson("package.json");
    expect(pkg).toMatchObject({ type: "module", private: true, scripts: PROJECT_SCRIPTS, devDependencies: { typescript: expect.any(String) } });
    expect((await readJson("tsconfig.json")).include).toEqual(["dags/**/*.ts"]);
    const example = await readFile(join(dir, "dags", "example.ts"), "utf8");
    expect(example).toContain('id: "example"');
    // New DAGs start paused; the example says otherwise so that `npm start` runs it.
    expect(example).toContain("isPausedUponCreation: false,");
    expect(example).toContain("so that `npm start` runs it at once");
    expect(await readFile(join(dir, ".gitignore"), "utf8")).toContain(".updraft/");
  });

  it("adds its scripts to the package.json that npm install wrote, keeping the dependencies", async () => {
    await writeFile(join(dir, "package.json"), JSON.stringify({ dependencies: { "@updraft/cli": "^0.1.0" }, scripts: { test: "vitest" } }));
    const [report] = await initProject(dir);
    expect(report).toMatchObject({ file: "package.json", action: "updated" });
    const pkg = await readJson("package.json");
    expect(pkg.dependencies).toEqual({ "@updraft/cli": "^0.1.0" });
    expect(pkg.scripts).toEqual({ test: "vitest", start: PROJECT_SCRIPTS.start, typecheck: PROJECT_SCRIPTS.typecheck });
    expect(pkg.type).toBe("module");
  });

  it("never overwrites an existing file without --force, and says so", async () => {
    await writeFile(join(dir, "tsconfig.json"), "{}\n");
    await initProject(dir);
    await writeFile(join(dir, "dags", "example.ts"), "// mine\n");
    const again = await initProject(dir);
    expect(again.every((r) => r.action === "kept")).toBe(true);
    expect(await readFile(join(dir, "tsconfig.json"), "utf8")).toBe("{}\n");
    expect(await readFile(join(dir, "dags", "example.ts"), "utf8")).toBe("// mine\n");
    expect(initSummary(dir, again).join("\n")).toMatch(/kept\s+tsconfig\.json\s+\(exists; --force overwrites it\)/);

    const forced = await initProject(dir, { force: true });
    expect(forced.filter((r) => r.action === "overwrote").map((r) => r.file)).toEqual(["tsconfig.json", join("dags", "example.ts"), ".gitignore"]);
    expect(await readFile(join(dir, "dags", "example.ts"), "utf8")).toContain('id: "example"');
  });

  it("refuses a package.json that is not JSON or is CommonJS, naming the file", async () => {
    await writeFile(join(dir, "package.json"), "{ nope");
    await expect(initProject(dir)).rejects.toThrow(`${join(dir, "package.json")}: not valid JSON`);
    await writeFile(join(dir, "package.json"), JSON.stringify({ type: "commonjs" }));
    await expect(initProject(dir)).rejects.toThrow(/"type" is "commonjs"/);
  });

  it("names the package after the folder", () => {
    expect(packageName("/home/me/My DAGs")).toBe("my-dags");
    expect(packageName("/tmp/...")).toBe("dags");
  });
});

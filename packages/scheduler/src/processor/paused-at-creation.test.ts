// The pause flag a new DAG takes, by table: the environment variable read as a boolean, and the
// DAG's own isPausedUponCreation over it. Through the DAG processor: dag-processor.test.ts.
import { describe, expect, it } from "vitest";
import { dagsArePausedAtCreationFromEnv, pausedAtCreation, PAUSED_AT_CREATION_VAR } from "./paused-at-creation.ts";

describe("dagsArePausedAtCreationFromEnv", () => {
  it.each([
    [undefined, true], ["", true], ["  ", true],
    ["true", true], ["TRUE", true], ["1", true], ["yes", true], ["Yes", true],
    ["false", false], ["False", false], ["0", false], ["no", false], ["NO", false], [" false ", false],
  ])("reads %j as %s", (raw, expected) => {
    expect(dagsArePausedAtCreationFromEnv({ [PAUSED_AT_CREATION_VAR]: raw })).toBe(expected);
  });

  it.each(["maybe", "off", "2", "f"])("rejects %j naming the variable and the value", (raw) => {
    expect(() => dagsArePausedAtCreationFromEnv({ [PAUSED_AT_CREATION_VAR]: raw }))
      .toThrow(`UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION: expected true or false (or 1/0, yes/no), got "${raw}"`);
  });
});

describe("pausedAtCreation", () => {
  it.each([
    [{}, true, true], [{}, false, false],
    [{ isPausedUponCreation: false }, true, false], [{ isPausedUponCreation: true }, false, true],
  ])("a dag with %j under a default of %s starts paused: %s", (dag, byDefault, expected) => {
    expect(pausedAtCreation(dag, byDefault)).toBe(expected);
  });
});

// param(): specs stored with the DAG, defaults as ctx.params' base, and checks that name the param.
import { describe, expect, it } from "vitest";
import { dag } from "./dag.ts";
import { param } from "./param.ts";
import { task } from "./task.ts";
import type { ScheduleParser } from "./dag.ts";

const noSchedule: ScheduleParser = () => null;
const body = () => void task("t", () => 1)();

describe("param()", () => {
  it("stores the defaults as params and the specs beside them", () => {
    const d = dag({
      id: "p",
      params: {
        region: param("eu", { enum: ["eu", "us"], description: "Which region" }),
        batch: param(500, { type: "integer", minimum: 1 }),
        plain: true,
      },
    }, body);
    const s = d.serialize(noSchedule);
    expect(s.params).toEqual({ region: "eu", batch: 500, plain: true });
    expect(s.paramSpecs).toEqual({ region: { enum: ["eu", "us"], description: "Which region" }, batch: { type: "integer", minimum: 1 } });
  });

  it("leaves paramSpecs out when no param has a spec, so the serialized form is unchanged", () => {
    const s = dag({ id: "q", params: { region: "eu" } }, body).serialize(noSchedule);
    expect(s).not.toHaveProperty("paramSpecs");
  });

  it("refuses a default that does not obey its spec, naming the DAG and the param", () => {
    expect(() => dag({ id: "r", params: { region: param("zz", { enum: ["eu", "us"] }) } }, body)).toThrow('dag "r": params.region: the default "zz" is not one of the enum\'s values');
    expect(() => dag({ id: "r", params: { n: param("5", { type: "integer" }) } }, body)).toThrow('dag "r": params.n: the default "5" is not of type integer');
    expect(() => dag({ id: "r", params: { n: param(0, { type: "number", minimum: 1 }) } }, body)).toThrow("params.n: the default 0 is below the minimum 1");
    expect(() => dag({ id: "r", params: { n: param(1, { typ: "number" } as never) } }, body)).toThrow('params.n: unknown spec field "typ"');
  });

  it("accepts a null default for a value the run's conf must give", () => {
    const s = dag({ id: "s", params: { when: param(null, { type: ["string", "null"], format: "date" }) } }, body).serialize(noSchedule);
    expect(s.params).toEqual({ when: null });
    expect(s.paramSpecs?.when).toEqual({ type: ["string", "null"], format: "date" });
  });
});

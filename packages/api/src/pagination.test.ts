import { describe, expect, it } from "vitest";
import { dag } from "@updraft/store";
import { ApiError } from "./problem.ts";
import { orderBy } from "./pagination.ts";

describe("orderBy", () => {
  const columns = { dag_id: dag.dagId, is_paused: dag.isPaused };

  it.each(["constructor", "__proto__", "toString", "valueOf", "-hasOwnProperty"])("answers 400 for the prototype's member %s instead of crashing", (field) => {
    let error: unknown;
    try {
      orderBy(field, columns, "dag_id");
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).message).toContain("is not a field to order by");
  });

  it("orders by a listed field, descending with a leading minus", () => {
    expect(orderBy("-dag_id", columns, "dag_id")).toHaveLength(1);
  });
});

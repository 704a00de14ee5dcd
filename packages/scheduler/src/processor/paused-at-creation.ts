// Whether a DAG seen for the first time starts paused: Airflow's `[core] dags_are_paused_at_creation`
// (UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION, default true), overridden by the DAG's own
// `isPausedUponCreation`. Only a new DAG row takes it; a re-parse never changes a pause flag.
import type { SerializedDag } from "@updraft/sdk";
import { booleanSetting } from "@updraft/store/settings";
import { SchedulerConfigError } from "../errors.ts";

export const PAUSED_AT_CREATION_VAR = "UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION";

/**
 * UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION read as a boolean: true when unset or empty, false for
 * "false", "0" or "no" (any case). Any other value than those and "true", "1", "yes" throws,
 * naming the variable and the value, so a typo fails at start rather than unpausing every DAG.
 * @example dagsArePausedAtCreationFromEnv({ UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION: "False" }) // false
 */
export function dagsArePausedAtCreationFromEnv(env: Record<string, string | undefined> = process.env): boolean {
  try {
    return booleanSetting(PAUSED_AT_CREATION_VAR, true, env);
  } catch (err) {
    throw new SchedulerConfigError((err as Error).message);
  }
}

/** The pause flag of a new DAG row: the DAG's own `isPausedUponCreation`, else the processor's default. */
export function pausedAtCreation(dag: Pick<SerializedDag, "isPausedUponCreation">, dagsArePausedAtCreation: boolean): boolean {
  return dag.isPausedUponCreation ?? dagsArePausedAtCreation;
}

// Updraft's scopes as Airflow's roles, with the permissions (action on resource, Airflow's names)
// each one grants: Viewer = read, User = trigger, Op = edit, Admin = admin, and Updraft's own
// Worker = worker (the worker endpoint and bundles only).
import type { TokenScope } from "@updraft/store";

type Grant = [action: string, resource: string];

const VIEWER: Grant[] = [
  ["can_read", "DAGs"], ["can_read", "DAG Runs"], ["can_read", "Task Instances"], ["can_read", "Task Logs"], ["can_read", "XComs"],
  ["can_read", "DAG Code"], ["can_read", "ImportError"], ["can_read", "Audit Logs"], ["can_read", "Pools"], ["can_read", "DAG Dependencies"],
  ["can_read", "Plugins"], ["can_read", "Providers"], ["can_read", "Variables"],
];
const USER: Grant[] = [...VIEWER, ["can_create", "DAG Runs"]];
const OP: Grant[] = [
  ...USER, ["can_edit", "DAGs"], ["can_delete", "DAGs"], ["can_edit", "DAG Runs"], ["can_delete", "DAG Runs"], ["can_edit", "Task Instances"],
  ["can_create", "Variables"], ["can_edit", "Variables"], ["can_delete", "Variables"],
  ["can_read", "Connections"], ["can_create", "Connections"], ["can_edit", "Connections"], ["can_delete", "Connections"],
  ["can_create", "Pools"], ["can_edit", "Pools"],
];
const ADMIN: Grant[] = [
  ...OP, ["can_delete", "Pools"], ["can_read", "Configurations"], ["can_read", "Users"], ["can_create", "Users"], ["can_edit", "Users"],
  ["can_delete", "Users"], ["can_read", "Roles"], ["can_read", "Workers"], ["can_read", "Bundles"],
];
const WORKER: Grant[] = [["can_read", "Bundles"], ["can_read", "Workers"]];

const actions = (grants: Grant[]) => grants.map(([action, resource]) => ({ action: { name: action }, resource: { name: resource } }));

/** Each role: its Airflow name, the scope it stands for, and what it may do. */
export const ROLES: ReadonlyArray<{ name: string; scope: TokenScope; actions: ReturnType<typeof actions> }> = [
  { name: "Viewer", scope: "read", actions: actions(VIEWER) },
  { name: "User", scope: "trigger", actions: actions(USER) },
  { name: "Op", scope: "edit", actions: actions(OP) },
  { name: "Admin", scope: "admin", actions: actions(ADMIN) },
  { name: "Worker", scope: "worker", actions: actions(WORKER) },
];

/** The role name of a scope. @example roleOf("edit") // "Op" */
export function roleOf(scope: TokenScope): string {
  return ROLES.find((r) => r.scope === scope)?.name ?? scope;
}

/** The scope of a role name (Airflow's names, case-sensitive as Airflow's), or null. @example scopeOfRole("Viewer") // "read" */
export function scopeOfRole(name: string): TokenScope | null {
  return ROLES.find((r) => r.name === name)?.scope ?? null;
}

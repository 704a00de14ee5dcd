// GET /api/updraft/ui/me: who the credentials are and what they may do, so the UI hides the
// actions (trigger, clear, mark, pause, edit) that the scope does not allow.
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiApp } from "../../types.ts";
import { allows } from "../../auth.ts";
import { errors, jsonOf } from "../kit.ts";

const Me = z.object({
  name: z.string().openapi({ description: "`token:<id>` or `user:<name>`." }),
  scope: z.enum(["read", "trigger", "edit", "admin", "worker"]),
  dags: z.array(z.string()).nullable().openapi({ description: "DAG id patterns the credentials are restricted to; null for every DAG." }),
  can: z.object({ trigger: z.boolean(), edit: z.boolean(), admin: z.boolean() }),
}).openapi("UiMe");

export function registerMe(app: ApiApp): void {
  app.openapi(
    createRoute({
      method: "get", path: "/api/updraft/ui/me", tags: ["Updraft UI"], summary: "The caller's identity and scope",
      responses: { 200: { description: "Success.", content: jsonOf(Me) }, ...errors },
    }),
    (c) => {
      const p = c.get("principal");
      return c.json({ name: p.name, scope: p.scope, dags: p.dags, can: { trigger: allows(p.scope, "trigger"), edit: allows(p.scope, "edit"), admin: allows(p.scope, "admin") } }, 200);
    },
  );
}

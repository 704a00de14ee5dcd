// GET /api/v1/config and /config/section/{section}/option/{option}: Updraft's effective settings in
// Airflow's sections shape (settings-view.ts), JSON or, with `Accept: text/plain`, INI text. Admin
// scope; 403 unless exposure is on (UPDRAFT_EXPOSE_CONFIG, off by default as Airflow's
// `expose_config`).
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiApp, ApiDeps } from "../types.ts";
import { requireScope } from "../auth.ts";
import { ApiError, notFound } from "../problem.ts";
import { effectiveSettings, exposeConfigFromEnv, type Sections } from "../settings-view.ts";
import { wantsText } from "../task-log-reader.ts";
import { errors } from "./kit.ts";

const ConfigJson = z.object({ sections: z.array(z.object({ name: z.string(), options: z.array(z.object({ key: z.string(), value: z.string() })) })) });
const content = { "application/json": { schema: ConfigJson }, "text/plain": { schema: z.string() } };

const toJson = (sections: Sections) => ({
  sections: Object.entries(sections).map(([name, options]) => ({ name, options: Object.entries(options).map(([key, value]) => ({ key, value })) })),
});
const toText = (sections: Sections) =>
  Object.entries(sections).map(([name, options]) => `[${name}]\n${Object.entries(options).map(([k, v]) => `${k} = ${v}\n`).join("")}`).join("\n");

export function registerConfig(app: ApiApp, deps: ApiDeps): void {
  app.use("/api/v1/config", requireScope("admin"));
  app.use("/api/v1/config/*", requireScope("admin"));
  const exposure = () => deps.exposeConfig ?? exposeConfigFromEnv();
  const settings = (): Sections => {
    const mode = exposure();
    if (mode === false) {
      throw new ApiError(403, "Your Updraft administrator chose not to expose the configuration, most likely for security reasons (set UPDRAFT_EXPOSE_CONFIG=true or non-sensitive-only to show it)");
    }
    return deps.settings?.() ?? effectiveSettings(process.env, deps.home, mode === "non-sensitive-only");
  };

  app.openapi(
    createRoute({
      method: "get", path: "/api/v1/config", tags: ["Config"], summary: "Get the current configuration (UPDRAFT_EXPOSE_CONFIG)",
      request: { query: z.object({ section: z.string().optional().openapi({ description: "If given, only return config of this section." }) }) },
      responses: { 200: { description: "Success.", content }, ...errors },
    }),
    async (c) => {
      let sections = settings();
      const { section } = c.req.valid("query");
      if (section !== undefined) {
        if (!Object.hasOwn(sections, section)) throw notFound(`section=${section} not found.`);
        sections = { [section]: sections[section]! };
      }
      if (wantsText(c.req.header("accept"))) return c.text(toText(sections), 200);
      return c.json(toJson(sections), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get", path: "/api/v1/config/section/{section}/option/{option}", tags: ["Config"], summary: "Get one option of the configuration",
      request: { params: z.object({ section: z.string(), option: z.string() }) },
      responses: { 200: { description: "Success.", content }, ...errors },
    }),
    async (c) => {
      const { section, option } = c.req.valid("param");
      const sections = settings();
      const value = Object.hasOwn(sections, section) && Object.hasOwn(sections[section]!, option) ? sections[section]![option] : undefined;
      if (value === undefined) throw notFound(`The option [${section}/${option}] is not found in config.`);
      const one = { [section]: { [option]: value } };
      if (wantsText(c.req.header("accept"))) return c.text(toText(one), 200);
      return c.json(toJson(one), 200);
    },
  );
}

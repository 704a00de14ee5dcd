// GET /api/v1/plugins and GET /api/v1/providers: what is loaded. Updraft loads no plugins and no
// provider packages yet, so both lists are empty, honestly and in Airflow's shape (paged lists with
// `total_entries`); `deps`-free so that a later plugin loader only has to fill them.
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiApp, ApiDeps } from "../types.ts";
import { requireScope } from "../auth.ts";
import { pageQuery } from "../pagination.ts";
import { errors, jsonOf } from "./kit.ts";

/** A loaded plugin, in Airflow's `PluginCollectionItem` shape. */
export interface PluginInfo {
  name: string;
  hooks: string[];
  executors: string[];
  macros: string[];
  flask_blueprints: string[];
  appbuilder_views: Array<Record<string, unknown>>;
  appbuilder_menu_items: Array<Record<string, unknown>>;
  global_operator_extra_links: string[];
  operator_extra_links: string[];
  source: string | null;
  ti_deps: string[];
  listeners: string[];
  timetables: string[];
}

/** A provider package, in Airflow's `Provider` shape. */
export interface ProviderInfo {
  package_name: string;
  description: string;
  version: string;
}

/** The plugins and providers loaded in this process: none until Updraft has a plugin loader. */
const LOADED: { plugins: PluginInfo[]; providers: ProviderInfo[] } = { plugins: [], providers: [] };

const Plugins = z.object({ plugins: z.array(z.record(z.string(), z.unknown())), total_entries: z.number().int() });
const Providers = z.object({ providers: z.array(z.object({ package_name: z.string(), description: z.string(), version: z.string() })), total_entries: z.number().int() });

export function registerPlugins(app: ApiApp, _deps: ApiDeps): void {
  app.use("/api/v1/plugins", requireScope("read"));
  app.use("/api/v1/providers", requireScope("read"));

  app.openapi(
    createRoute({
      method: "get", path: "/api/v1/plugins", tags: ["Plugin"], summary: "List loaded plugins (none: Updraft has no plugin loader yet)",
      request: { query: z.object({ limit: pageQuery.limit, offset: pageQuery.offset }) },
      responses: { 200: { description: "Success.", content: jsonOf(Plugins) }, ...errors },
    }),
    (c) => {
      const { limit, offset } = c.req.valid("query");
      return c.json({ plugins: LOADED.plugins.slice(offset, offset + limit) as unknown as Array<Record<string, unknown>>, total_entries: LOADED.plugins.length }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get", path: "/api/v1/providers", tags: ["Provider"], summary: "List provider packages (none loaded yet)",
      responses: { 200: { description: "List of providers.", content: jsonOf(Providers) }, ...errors },
    }),
    (c) => c.json({ providers: LOADED.providers, total_entries: LOADED.providers.length }, 200),
  );
}

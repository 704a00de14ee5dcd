// The Swagger UI at /api/v1/ui/ (as Airflow serves its own), from the local swagger-ui-dist package
// (no CDN), pointed at /openapi.json. No credentials needed: the files hold no data, and calls made
// from the page carry the credentials given in its Authorize dialog. It runs under the same
// Content-Security-Policy as the app (scripts from 'self' only): the page's start-up script is a
// file of its own, not inline.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { ApiApp } from "../types.ts";
import { notFound } from "../problem.ts";
import { SWAGGER_UI_PATH } from "../public-paths.ts";
import { SHELL_HEADERS } from "./ui/static.ts";

/** The files of swagger-ui-dist the page uses, with their content types. */
const ASSETS: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui-standalone-preset.js": "text/javascript; charset=utf-8",
  "favicon-32x32.png": "image/png",
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Updraft API — Swagger UI</title>
<link rel="icon" type="image/png" href="${SWAGGER_UI_PATH}/favicon-32x32.png">
<link rel="stylesheet" href="${SWAGGER_UI_PATH}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${SWAGGER_UI_PATH}/swagger-ui-bundle.js"></script>
<script src="${SWAGGER_UI_PATH}/swagger-ui-standalone-preset.js"></script>
<script src="${SWAGGER_UI_PATH}/init.js"></script>
</body>
</html>
`;

const INIT = `// Starts the Swagger UI on /openapi.json (a file, not inline, for the Content-Security-Policy).
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: "StandaloneLayout",
  validatorUrl: null,
});
`;

export function registerSwaggerUi(app: ApiApp): void {
  const dir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  const cache = new Map<string, Uint8Array<ArrayBuffer>>();
  const file = (name: string): Uint8Array<ArrayBuffer> => {
    let body = cache.get(name);
    if (!body) cache.set(name, (body = new Uint8Array(readFileSync(join(dir, name)))));
    return body;
  };
  const security = { "x-content-type-options": "nosniff", "referrer-policy": "same-origin" };

  app.get(SWAGGER_UI_PATH, (c) => c.redirect(`${SWAGGER_UI_PATH}/`, 301));
  app.get(`${SWAGGER_UI_PATH}/`, (c) => c.body(PAGE, 200, SHELL_HEADERS));
  app.get(`${SWAGGER_UI_PATH}/init.js`, (c) => c.body(INIT, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache", ...security }));
  app.get(`${SWAGGER_UI_PATH}/:file`, (c) => {
    const name = c.req.param("file");
    const type = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!type) throw notFound(`no Swagger UI file ${name}`);
    return c.body(file(name), 200, { "content-type": type, "cache-control": "public, max-age=3600", ...security });
  });
}

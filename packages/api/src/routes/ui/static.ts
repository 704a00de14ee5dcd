// The UI's files: `/ui/updraft.js` (defines each element as its tag appears), `/ui/elements/<name>.js` (one each) and their
// chunks, built in memory by @updraft/ui on the first request and served gzipped when the client
// accepts it; and the app's HTML shell at `/` and at every deep link the app routes (the shell
// loads `/ui/elements/app.js`, which loads each view's module when the view is first shown).
// No credentials are needed here: the files hold no data, and the app logs in through the API.
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { Context } from "hono";
import type { ApiApp, ApiDeps, UiFile } from "../../types.ts";
import type { ApiEnv } from "../../auth.ts";
import { notFound } from "../../problem.ts";


/** Paths of the app that are deep links: the server answers each with the app's shell. */
export const APP_ROUTES = /^\/(?:dags|admin|workers|login)(?:\/.*)?$/;

const SHELL = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Updraft</title>
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Cpath d='M2 12 8 3l6 9z' fill='%230b63ce'/%3E%3C/svg%3E">
<style>html,body{margin:0;height:100%;background:Canvas;color-scheme:light dark}updraft-app{display:block;min-height:100%}</style>
<script type="module" src="/ui/elements/app.js"></script>
</head>
<body><updraft-app></updraft-app></body>
</html>
`;

/** The headers of an HTML page of the app: its Content-Security-Policy allows scripts from the same origin only. */
export const SHELL_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-cache",
  "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
};

type Built = Map<string, UiFile & { gzip: Uint8Array; etag: string }>;

export function registerUiStatic(app: ApiApp, deps: ApiDeps): void {
  let built: Promise<Built> | null = null;
  const load = (): Promise<Built> => {
    built ??= (async () => {
      const source = deps.uiAssets ?? (async () => (await import("@updraft/ui/assets")).buildUiAssets());
      const files = await source();
      const out: Built = new Map();
      for (const [path, f] of files) {
        const gzip = gzipSync(f.body, { level: 9 });
        out.set(path, { ...f, gzip, etag: `"${createHash("sha1").update(f.body).digest("base64url")}"` });
      }
      return out;
    })().catch((err: unknown) => {
      built = null;
      throw err;
    });
    return built;
  };

  app.get("/ui/*", async (c) => {
    const path = c.req.path.slice("/ui/".length);
    const file = (await load()).get(path);
    if (!file) throw notFound(`no UI file ${path}`);
    if (c.req.header("if-none-match") === file.etag) return c.body(null, 304);
    const gzip = /\bgzip\b/.test(c.req.header("accept-encoding") ?? "");
    const headers: Record<string, string> = {
      "content-type": file.type,
      "cache-control": file.immutable ? "public, max-age=31536000, immutable" : "no-cache",
      etag: file.etag,
      vary: "accept-encoding",
      "x-content-type-options": "nosniff",
      // Portals on other origins load these modules with <script type="module">, which is a CORS request.
      "access-control-allow-origin": "*",
    };
    if (gzip) headers["content-encoding"] = "gzip";
    return c.body((gzip ? file.gzip : file.body) as Uint8Array<ArrayBuffer>, 200, headers);
  });

  const shell = (c: Context<ApiEnv>) => c.body(SHELL, 200, SHELL_HEADERS);
  app.get("/", shell);
  app.get("/*", async (c, next) => (APP_ROUTES.test(c.req.path) ? shell(c) : next()));
}

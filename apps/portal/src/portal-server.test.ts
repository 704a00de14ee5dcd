// The portal's server over a real socket: the page names the Updraft server, the token and the DAG.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { configFromEnv, renderPage, startPortal, type PortalConfig } from "./portal-server.ts";

const config: PortalConfig = { updraftUrl: "http://127.0.0.1:8080", token: "updr_abc", dagId: "daily_sales", host: "127.0.0.1", port: 0 };

describe("portal server", () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = await startPortal(config);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("serves the page with one script tag from the Updraft server and the elements configured", async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page.match(/<script /g)).toHaveLength(1);
    expect(page).toContain('<script type="module" src="http://127.0.0.1:8080/ui/updraft.js"></script>');
    expect(page).toContain('<updraft-grid api-base="http://127.0.0.1:8080" token="updr_abc" dag-id="daily_sales">');
    expect(page).toContain('<updraft-run-status api-base="http://127.0.0.1:8080" token="updr_abc" dag-id="daily_sales">');
    expect(page).toContain('<updraft-workers api-base="http://127.0.0.1:8080" token="updr_abc">');
    expect(page).not.toContain("{{");
    expect(res.headers.get("content-security-policy")).toContain("connect-src 'self' http://127.0.0.1:8080");
  });

  it("shows another DAG given as ?dag=, escaped", async () => {
    const page = await (await fetch(`${base}/?dag=${encodeURIComponent('x"><script>')}`)).text();
    expect(page).toContain('dag-id="x&quot;&gt;&lt;script&gt;"');
  });

  it("serves its stylesheet and nothing else", async () => {
    expect((await fetch(`${base}/portal.css`)).headers.get("content-type")).toMatch(/text\/css/);
    expect((await fetch(`${base}/secret.txt`)).status).toBe(404);
    expect((await fetch(`${base}/`, { method: "POST" })).status).toBe(405);
  });
});

describe("portal configuration", () => {
  it("reads the environment, dropping a trailing slash from the URL", () => {
    expect(configFromEnv({ UPDRAFT_URL: "http://updraft.acme:8080/", UPDRAFT_TOKEN: "t", UPDRAFT_DAG: "finance_daily", PORTAL_PORT: "9000" }))
      .toEqual({ updraftUrl: "http://updraft.acme:8080", token: "t", dagId: "finance_daily", host: "127.0.0.1", port: 9000 });
  });

  it("names the variable that is missing or wrong", () => {
    expect(() => configFromEnv({})).toThrow(/UPDRAFT_TOKEN.*\n.*updraft tokens create --scope read --dags/);
    expect(() => configFromEnv({ UPDRAFT_TOKEN: "t", UPDRAFT_URL: "ftp://x" })).toThrow(/UPDRAFT_URL: "ftp:\/\/x" must be http/);
    expect(() => configFromEnv({ UPDRAFT_TOKEN: "t", PORTAL_PORT: "http" })).toThrow(/PORTAL_PORT/);
  });

  it("leaves unknown placeholders alone", () => {
    expect(renderPage("{{DAG_ID}} {{OTHER}}", { ...config, dagId: "d" }, new URLSearchParams())).toBe("d {{OTHER}}");
  });
});

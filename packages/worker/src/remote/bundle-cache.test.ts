import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BundleCache } from "./bundle-cache.ts";
import { TestServerPeer, sha256 } from "./testing/test-server-peer.ts";
import { TOKEN, tempHome } from "./testing/fixtures.ts";

let home: Awaited<ReturnType<typeof tempHome>>;
let peer: TestServerPeer;
let dir: string;
let n = 0;

beforeAll(async () => {
  home = await tempHome();
});
afterAll(() => home.remove());
beforeEach(async () => {
  peer = await TestServerPeer.start({ token: TOKEN });
  dir = join(home.dir, `bundles-${++n}`);
});
afterEach(() => peer.close());

const cache = (token = TOKEN) => new BundleCache({ server: peer.url, token, dir });

describe("BundleCache", () => {
  it("downloads a bundle once, stores it under its hash, and serves it from disk afterwards", async () => {
    const hash = peer.addBundle("export const x = 1;\n");
    const first = cache();
    const path = await first.ensure(hash);
    expect(path).toBe(join(dir, `${hash}.mjs`));
    expect(await readFile(path, "utf8")).toBe("export const x = 1;\n");
    expect(await first.ensure(hash)).toBe(path);
    // Another process (another cache on the same folder) finds it too.
    expect(await cache().ensure(hash)).toBe(path);
    expect(peer.bundleRequests).toEqual([hash]);
  });

  it("downloads once when many tries ask for the same bundle at once", async () => {
    const hash = peer.addBundle(`export const big = ${JSON.stringify("x".repeat(200_000))};\n`);
    const c = cache();
    const paths = await Promise.all(Array.from({ length: 10 }, () => c.ensure(hash)));
    expect(new Set(paths).size).toBe(1);
    expect(peer.bundleRequests).toEqual([hash]);
    expect(c.downloads).toBe(1);
  });

  it("refuses content that does not match its hash and writes nothing", async () => {
    const hash = sha256("the real code");
    peer.bundles.set(hash, "tampered code");
    await expect(cache().ensure(hash)).rejects.toThrow(/^bundle [0-9a-f]{12} from http:\/\/127\.0\.0\.1:\d+\/api\/updraft\/bundles\/[0-9a-f]{64} does not match its hash: its content hashes to [0-9a-f]{12}$/);
    expect(existsSync(dir) ? await readdir(dir) : []).toEqual([]);
  });

  it("names the status when the server does not give the bundle, and tries again next time", async () => {
    const hash = sha256("later");
    await expect(cache().ensure(hash)).rejects.toMatchObject({ name: "BundleDownloadError", message: expect.stringContaining("HTTP 404 no bundle") });
    await expect(cache("updr_wrong").ensure(hash)).rejects.toThrow(/HTTP 401/);
    peer.bundles.set(hash, "later");
    await expect(cache().ensure(hash)).resolves.toBe(join(dir, `${hash}.mjs`));
  });

  it("rejects a hash that is not a SHA-256 digest, so it cannot name a path", async () => {
    await expect(cache().ensure("../../etc/passwd")).rejects.toThrow('bundle "../../etc/passwd": not a SHA-256 content hash');
    expect(peer.bundleRequests).toEqual([]);
  });
});

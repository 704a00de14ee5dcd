// A remote worker's cache of DAG bundles: `<home>/bundles/<hash>.mjs`, fetched from the server by
// content hash over HTTP. A bundle is self-contained except for `@updraft/*`, which the runtime
// resolves, so a worker needs neither the DAG folder nor the DAGs' npm dependencies.
import { createHash, randomBytes } from "node:crypto";
import { access, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BundleDownloadError } from "../errors.ts";
import { bundlePath } from "./messages.ts";

/** The DAG processor keys bundles by the SHA-256 of their code, in hex (scheduler processor/bundle.ts). */
const HASH = /^[0-9a-f]{64}$/;

export interface BundleCacheOptions {
  /** The server's base URL, `http(s)://host:port`. */
  server: string;
  token: string;
  /** The cache folder (`<UPDRAFT_HOME>/bundles`). */
  dir: string;
  /** How long one download may take. Default 60s. */
  timeoutMs?: number;
  /** Aborts downloads in flight (the worker stops). */
  signal?: AbortSignal;
}

/**
 * Ensures bundles are on local disk. Files are written whole (temp file, then rename) after their
 * hash is checked, so a file under its final name is always complete and genuine, also with other
 * worker processes sharing the folder; within a process one download per hash runs at a time.
 *
 * @example
 * const cache = new BundleCache({ server: "http://scheduler:8080", token, dir: ".updraft/bundles" });
 * const path = await cache.ensure(assignment.bundle.hash); // ".updraft/bundles/<hash>.mjs"
 */
export class BundleCache {
  readonly #o: BundleCacheOptions;
  readonly #inFlight = new Map<string, Promise<string>>();
  /** Downloads done by this process (a cached file costs none). */
  downloads = 0;

  constructor(options: BundleCacheOptions) {
    this.#o = options;
  }

  /** The path of the bundle `hash`, downloading it first when it is not cached. */
  ensure(hash: string): Promise<string> {
    if (!HASH.test(hash)) return Promise.reject(new BundleDownloadError(`bundle "${hash}": not a SHA-256 content hash`));
    let pending = this.#inFlight.get(hash);
    if (!pending) {
      pending = this.#ensure(hash).finally(() => this.#inFlight.delete(hash));
      this.#inFlight.set(hash, pending);
    }
    return pending;
  }

  async #ensure(hash: string): Promise<string> {
    const file = join(this.#o.dir, `${hash}.mjs`);
    try {
      await access(file);
      return file;
    } catch {
      // not cached yet
    }
    const code = await this.#download(hash);
    await mkdir(this.#o.dir, { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    try {
      await writeFile(tmp, code);
      await rename(tmp, file);
    } catch (err) {
      await rm(tmp, { force: true });
      throw new BundleDownloadError(`bundle ${hash.slice(0, 12)}: cannot write ${file}: ${(err as Error).message}`, { cause: err });
    }
    return file;
  }

  async #download(hash: string): Promise<Buffer> {
    const url = `${this.#o.server}${bundlePath(hash)}`;
    const what = `bundle ${hash.slice(0, 12)} from ${url}`;
    let body: Buffer;
    try {
      const res = await fetch(url, {
        headers: { authorization: `Bearer ${this.#o.token}` },
        signal: AbortSignal.any([AbortSignal.timeout(this.#o.timeoutMs ?? 60_000), ...(this.#o.signal ? [this.#o.signal] : [])]),
      });
      if (!res.ok) {
        const detail = (await res.text().catch(() => "")).slice(0, 200);
        throw new BundleDownloadError(`cannot download ${what}: HTTP ${res.status}${detail ? ` ${detail}` : ""}`);
      }
      body = Buffer.from(await res.arrayBuffer());
    } catch (err) {
      if (err instanceof BundleDownloadError) throw err;
      throw new BundleDownloadError(`cannot download ${what}: ${(err as Error).message}`, { cause: err });
    }
    this.downloads++;
    const actual = createHash("sha256").update(body).digest("hex");
    if (actual !== hash) throw new BundleDownloadError(`${what} does not match its hash: its content hashes to ${actual.slice(0, 12)}`);
    return body;
  }
}
